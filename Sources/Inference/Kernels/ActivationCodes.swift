import CKernels

/// Activation rows quantized for the int8 products: unsigned codes with x ≈ scale · (code −
/// zeroPoint) per row (see mf_quantize_rows_u8), each row padded to a multiple of 4 bytes.
/// Several products of the same input (query, key and value) share one.
struct ActivationCodes {
    let rows: Int
    let stride: Int
    var values: [UInt8]
    var scales: [Float]
    var zeroPoints: [Int32]
    /// The per-channel factor x was multiplied by before rounding (activation smoothing; see
    /// `LinearLayer.inputScale`), or nil. Products may only use codes made with their own.
    let inputScale: FloatBuffer?

    init(_ input: Matrix, inputScale: FloatBuffer? = nil) {
        self.inputScale = inputScale
        let x = inputScale.map { input.scalingColumns(by: $0) } ?? input
        rows = x.rows
        stride = (x.columns + 3) / 4 * 4
        values = [UInt8](repeating: 0, count: rows * stride)
        scales = [Float](repeating: 0, count: rows)
        zeroPoints = [Int32](repeating: 0, count: rows)
        let (rows, stride, depth) = (rows, stride, x.columns)
        x.values.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { codes in
                scales.withUnsafeMutableBufferPointer { s in
                    zeroPoints.withUnsafeMutableBufferPointer { z in
                        guard let xBase = input.baseAddress, let cBase = codes.baseAddress, let sBase = s.baseAddress,
                            let zBase = z.baseAddress
                        else { return }
                        Parallel.ensureStarted()
                        mf_quantize_rows_u8_parallel(xBase, Int32(depth), Int32(rows), Int32(depth), cBase, Int32(stride),
                                                     sBase, zBase)
                    }
                }
            }
        }
    }

    /// The codes as signed bytes (code − 128) with offsets 128 − zeroPoint, so that
    /// x ≈ scale · (value + offset): the row-major int8 kernels' input.
    var signed: (values: [Int8], offsets: [Int32]) {
        // A loop over raw buffers (vectorized by the compiler) rather than map's closure calls.
        let flipped = [Int8](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { codes in
                for index in 0..<codes.count { out[index] = Int8(bitPattern: codes[index] ^ 0x80) }
            }
            initialized = values.count
        }
        return (flipped, zeroPoints.map { 128 - $0 })
    }

    /// Whether these codes were made for a product whose input is multiplied by `scale`.
    func madeWith(inputScale scale: FloatBuffer?) -> Bool {
        inputScale === scale
    }

    /// Whether products with `weights` take codes (int8 weights in either layout).
    static func needed(by weights: WeightMatrix) -> Bool {
        if case .float = weights { return false }
        return true
    }
}
