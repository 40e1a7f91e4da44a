import CKernels
import Foundation
import XCTest

/// The kernels that do a whole step in one call (packed int8 linear layer with its
/// dequantization and activation, activation codes, attention, LayerNorm over rows) against
/// plain Swift loops, on every path this CPU has.
final class FusedKernelTests: XCTestCase {
    override func setUp() {
        mf_set_threads(2)
    }

    override func tearDown() {
        mf_set_cpu_feature_mask(-1)
    }

    typealias Generator = KernelTestGenerator

    var paths: [(String, Int32)] { kernelPaths() }

    /// The quantization step by step in Swift: [min(x, 0), max(x, 0)] in 255 steps, codes
    /// round(x / scale + zero) with ties to even, clamped to [0, 255].
    func referenceCodes(_ row: ArraySlice<Float>) -> (codes: [UInt8], scale: Float, zero: Int32) {
        let lo = min(row.min() ?? 0, 0), hi = max(row.max() ?? 0, 0)
        guard hi - lo > 0 else { return ([UInt8](repeating: 0, count: row.count), 0, 0) }
        let scale = (hi - lo) / 255
        let inverse = 1 / scale
        let zero = min(max((-lo * inverse).rounded(.toNearestOrEven), 0), 255)
        let codes = row.map { value -> UInt8 in
            let u = min(max(value * inverse + zero, 0), 255)
            return UInt8(u.rounded(.toNearestOrEven))
        }
        return (codes, scale, Int32(zero))
    }

    func testActivationCodesMatchTheReference() {
        var generator = Generator(state: 7)
        for depth in [1, 30, 64, 768, 1001] {
            let rows = 4
            var x = (0..<(rows * depth)).map { _ in generator.float() * 3 }
            for i in 0..<depth { x[depth + i] = 0 }  // an all-zero row
            for i in 0..<depth { x[2 * depth + i] = abs(x[2 * depth + i]) + 0.5 }  // positive only
            let stride = (depth + 3) / 4 * 4
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var codes = [UInt8](repeating: 0xAA, count: rows * stride)
                var scales = [Float](repeating: -1, count: rows)
                var zeros = [Int32](repeating: -1, count: rows)
                mf_quantize_rows_u8_parallel(x, Int32(depth), Int32(rows), Int32(depth), &codes, Int32(stride), &scales, &zeros)
                for t in 0..<rows {
                    let expected = referenceCodes(x[t * depth..<(t + 1) * depth])
                    XCTAssertEqual(scales[t], expected.scale, "\(name) depth \(depth) row \(t): scale")
                    XCTAssertEqual(zeros[t], expected.zero, "\(name) depth \(depth) row \(t): zero point")
                    XCTAssertEqual(Array(codes[t * stride..<t * stride + depth]), expected.codes, "\(name) depth \(depth) row \(t): codes")
                    XCTAssertTrue(codes[t * stride + depth..<(t + 1) * stride].allSatisfy { $0 == 0 }, "\(name): padding")
                }
            }
        }
    }

    /// act(rs·ws·(Σ codes·w − zero·Σw) + bias) in Double.
    func referenceLinear(codes: [UInt8], stride: Int, zeros: [Int32], rowScales: [Float], w: [Int8], wScales: [Float],
                         bias: [Float]?, rows: Int, outputs: Int, depth: Int, gelu: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outputs)
        for t in 0..<rows {
            for o in 0..<outputs {
                var sum = 0
                for i in 0..<depth { sum += (Int(codes[t * stride + i]) - Int(zeros[t])) * Int(w[o * depth + i]) }
                var v = Double(sum) * Double(rowScales[t]) * Double(wScales[o]) + Double(bias?[o] ?? 0)
                if gelu { v = 0.5 * v * (1 + erf(v / 2.0.squareRoot())) }
                y[t * outputs + o] = Float(v)
            }
        }
        return y
    }

    /// One linear layer's inputs: codes with their zero points and scales, int8 weights with
    /// their row sums and scales, a bias.
    struct LinearCase {
        let rows, outputs, depth, stride: Int
        var codes: [UInt8]
        let zeros: [Int32]
        let w: [Int8]
        let sums: [Int32]
        let rowScales, wScales, bias: [Float]
    }

    func linearCases(seed: UInt64, shapes: [(Int, Int, Int)]) -> [LinearCase] {
        var generator = Generator(state: seed)
        return shapes.map { rows, outputs, depth in
            let stride = (depth + 3) / 4 * 4
            var codes = [UInt8](repeating: 0, count: rows * stride)
            for t in 0..<rows { for i in 0..<depth { codes[t * stride + i] = UInt8(generator.next() % 256) } }
            codes[0] = 255
            let zeros = (0..<rows).map { _ in Int32(generator.next() % 256) }
            let w = (0..<(outputs * depth)).map { _ in generator.int8() }
            let sums = (0..<outputs).map { o in w[o * depth..<(o + 1) * depth].reduce(Int32(0)) { $0 + Int32($1) } }
            return LinearCase(rows: rows, outputs: outputs, depth: depth, stride: stride, codes: codes, zeros: zeros, w: w, sums: sums,
                              rowScales: (0..<rows).map { _ in 0.001 + abs(generator.float()) * 0.01 },
                              wScales: (0..<outputs).map { _ in 0.001 + abs(generator.float()) * 0.01 },
                              bias: (0..<outputs).map { _ in generator.float() })
        }
    }

    /// Checks a linear-layer kernel on every path: the integer part exactly (unit scales, no
    /// bias), then with scales, bias and GELU. `run(case, unitScales, activation, y)`.
    func checkLinear(_ cases: [LinearCase], _ run: (LinearCase, Bool, mf_activation, inout [Float]) -> Void) {
        for c in cases {
            let ones = [Float](repeating: 1, count: max(c.rows, c.outputs))
            let shape = "rows \(c.rows) outputs \(c.outputs) depth \(c.depth)"
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var exact = [Float](repeating: .nan, count: c.rows * c.outputs)
                run(c, true, MF_ACTIVATION_NONE, &exact)
                let expectedExact = referenceLinear(codes: c.codes, stride: c.stride, zeros: c.zeros, rowScales: ones, w: c.w,
                                                    wScales: ones, bias: nil, rows: c.rows, outputs: c.outputs, depth: c.depth, gelu: false)
                XCTAssertEqual(exact, expectedExact, "\(name) \(shape): integer part")
                var y = [Float](repeating: .nan, count: c.rows * c.outputs)
                run(c, false, MF_ACTIVATION_GELU_ERF, &y)
                let expected = referenceLinear(codes: c.codes, stride: c.stride, zeros: c.zeros, rowScales: c.rowScales, w: c.w,
                                               wScales: c.wScales, bias: c.bias, rows: c.rows, outputs: c.outputs, depth: c.depth, gelu: true)
                let worst = zip(y, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
                XCTAssertLessThanOrEqual(worst, 1e-5, "\(name) \(shape): with scales, bias, GELU")
            }
        }
    }

    func testPackedLinearLayerMatchesTheReference() throws {
        try XCTSkipUnless(mf_packed_s8_available() != 0, "this CPU has no AVX-512 VNNI: weights are never packed here")
        let cases = linearCases(seed: 99, shapes: [(1, 1, 1), (7, 13, 30), (9, 33, 64), (17, 50, 100), (3, 5, 768), (13, 40, 3072), (8, 64, 384)])
        checkLinear(cases) { c, unit, activation, y in
            var packed = [Int8](repeating: 0, count: Int(mf_packed_s8_size(Int32(c.outputs), Int32(c.depth))))
            mf_pack_s8(c.w, Int32(c.depth), Int32(c.outputs), Int32(c.depth), &packed)
            let ones = [Float](repeating: 1, count: max(c.rows, c.outputs))
            mf_linear_s8_packed(c.codes, Int32(c.stride), Int32(c.rows), unit ? ones : c.rowScales, c.zeros, packed, c.sums,
                                unit ? ones : c.wScales, unit ? nil : c.bias, Int32(c.depth), Int32(c.outputs),
                                Int32(activation.rawValue), &y, Int32(c.outputs))
        }
    }

    /// The row-major layer takes signed codes (code − 128) with offsets 128 − zero point, as
    /// ActivationCodes.signed makes them. Shapes cross its 32-row and 64-output blocks.
    func testRowMajorLinearLayerMatchesTheReference() {
        let cases = linearCases(seed: 5, shapes: [(1, 1, 1), (7, 13, 30), (33, 65, 64), (70, 150, 100), (3, 5, 768), (40, 129, 384), (35, 1000, 40)])
        checkLinear(cases) { c, unit, activation, y in
            let signed = c.codes.map { Int8(bitPattern: $0 ^ 0x80) }
            let offsets = c.zeros.map { 128 - $0 }
            let ones = [Float](repeating: 1, count: max(c.rows, c.outputs))
            mf_linear_s8(signed, Int32(c.stride), Int32(c.rows), unit ? ones : c.rowScales, offsets, c.w, Int32(c.depth), c.sums,
                         unit ? ones : c.wScales, unit ? nil : c.bias, Int32(c.depth), Int32(c.outputs),
                         Int32(activation.rawValue), &y, Int32(c.outputs))
        }
    }

    func testAttentionMatchesTheReference() {
        var generator = Generator(state: 3)
        for (queries, keys, heads, headSize) in [(1, 1, 1, 4), (5, 9, 4, 8), (40, 40, 12, 64), (2, 130, 12, 32), (3, 7, 2, 20)] {
            let width = heads * headSize
            let q = (0..<(queries * width)).map { _ in generator.float() }
            let k = (0..<(keys * width)).map { _ in generator.float() }
            let v = (0..<(keys * width)).map { _ in generator.float() }
            let scale = 1 / Float(headSize).squareRoot()
            var expected = [Double](repeating: 0, count: queries * width)
            for h in 0..<heads {
                for t in 0..<queries {
                    let scores = (0..<keys).map { r in
                        (0..<headSize).reduce(0.0) { $0 + Double(q[t * width + h * headSize + $1]) * Double(k[r * width + h * headSize + $1]) }
                            * Double(scale)
                    }
                    let top = scores.max() ?? 0
                    let weights = scores.map { exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for c in 0..<headSize {
                        expected[t * width + h * headSize + c] =
                            (0..<keys).reduce(0.0) { $0 + weights[$1] / total * Double(v[$1 * width + h * headSize + c]) }
                    }
                }
            }
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var out = [Float](repeating: .nan, count: queries * width)
                mf_attention(q, Int32(width), Int32(queries), k, v, Int32(width), Int32(keys), Int32(heads), Int32(headSize), scale,
                             &out, Int32(width))
                let worst = zip(out, expected).map { abs(Double($0) - $1) }.max() ?? .nan
                XCTAssertLessThanOrEqual(worst, 1e-5, "\(name) queries \(queries) keys \(keys) heads \(heads)×\(headSize)")
            }
        }
    }

    func testLayerNormOverRowsMatchesOneRowAtATime() {
        var generator = Generator(state: 11)
        for (rows, n) in [(1, 8), (3, 384), (100, 768)] {
            let x = (0..<(rows * n)).map { _ in generator.float() * 4 }
            let residual = (0..<(rows * n)).map { _ in generator.float() }
            let gamma = (0..<n).map { _ in 1 + generator.float() * 0.1 }
            let beta = (0..<n).map { _ in generator.float() * 0.1 }
            var expected = x
            expected.withUnsafeMutableBufferPointer { out in
                residual.withUnsafeBufferPointer { res in
                    for t in 0..<rows {
                        mf_add_layer_norm(out.baseAddress! + t * n, res.baseAddress! + t * n, gamma, beta, Int32(n), 1e-5)
                    }
                }
            }
            var y = x
            mf_add_layer_norm_rows(&y, residual, gamma, beta, Int32(rows), Int32(n), 1e-5)
            XCTAssertEqual(y, expected, "rows \(rows) × \(n)")
        }
    }
}
