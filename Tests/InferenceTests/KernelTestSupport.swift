import CKernels

/// A small deterministic generator for kernel test data.
struct KernelTestGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func int8() -> Int8 { Int8(Int(next() % 255) - 127) }
    mutating func activation() -> Int8 { Int8(truncatingIfNeeded: Int(next() % 256) - 128) }
    mutating func float() -> Float { Float(Int(next() % 20001) - 10000) / 10000 }
}

/// Feature masks to try: each path this CPU has, portable last.
func kernelPaths() -> [(String, Int32)] {
    let features = mf_cpu_features()
    var result: [(String, Int32)] = []
    if features & Int32(MF_CPU_AVX512_VNNI) != 0 { result.append(("avx512-vnni", -1)) }
    if features & Int32(MF_CPU_AVX512) != 0 { result.append(("avx512", Int32(MF_CPU_AVX512 | MF_CPU_AVX2))) }
    if features & Int32(MF_CPU_AVX2) != 0 { result.append(("avx2", Int32(MF_CPU_AVX2))) }
    result.append(("portable", 0))
    return result
}
