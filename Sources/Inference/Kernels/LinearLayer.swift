import CKernels

/// y = x Wᵀ + b, with W stored [outputs, inputs] as Hugging Face saves Linear layers.
struct LinearLayer: Sendable {
    let weights: WeightMatrix
    let bias: FloatBuffer?

    var outputs: Int { weights.rows }
    var inputs: Int { weights.columns }

    func apply(_ x: Matrix, quantized: QuantizedRows? = nil) -> Matrix {
        var y = weights.multiply(x, quantized: quantized)
        if let bias {
            y.values.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                mf_add_bias(base, Int32(y.rows), Int32(y.columns), bias.pointer)
            }
        }
        return y
    }
}

/// A weight matrix in one of the two precisions. Rows are output channels.
enum WeightMatrix: Sendable {
    case float(FloatBuffer, rows: Int, columns: Int)
    /// Symmetric int8 with one scale per row; `rowSums` serve the VNNI kernels.
    case int8(Int8Buffer, scales: FloatBuffer, rowSums: [Int32], rows: Int, columns: Int)
    /// The same int8 weights in the VNNI packed layout (see gemm_s8_packed.c), used for the
    /// encoder's products on CPUs with AVX-512 VNNI. No row access: embeddings stay row-major.
    case packedInt8(Int8Buffer, scales: FloatBuffer, rowSums: [Int32], rows: Int, columns: Int)

    var rows: Int {
        switch self {
        case .float(_, let rows, _), .int8(_, _, _, let rows, _), .packedInt8(_, _, _, let rows, _): return rows
        }
    }

    var columns: Int {
        switch self {
        case .float(_, _, let columns), .int8(_, _, _, _, let columns), .packedInt8(_, _, _, _, let columns): return columns
        }
    }

    /// This matrix in the packed layout when the CPU has a kernel for it; otherwise itself.
    func packedForVNNI() -> WeightMatrix {
        guard case .int8(let values, let scales, let rowSums, let rows, let columns) = self, mf_packed_s8_available() != 0 else {
            return self
        }
        let packed = Int8Buffer(count: Int(mf_packed_s8_size(Int32(rows), Int32(columns))))
        mf_pack_s8(values.pointer, Int32(columns), Int32(rows), Int32(columns), packed.mutablePointer)
        return .packedInt8(packed, scales: scales, rowSums: rowSums, rows: rows, columns: columns)
    }

    /// x Wᵀ: [x.rows × rows]. `quantized` may carry x already quantized (several int8
    /// products of the same input, such as query, key and value, share one quantization).
    func multiply(_ x: Matrix, quantized: QuantizedRows? = nil) -> Matrix {
        precondition(x.columns == columns, "matrix shapes do not match")
        var y = Matrix(rows: x.rows, columns: rows)
        let outputs = rows
        let depth = columns
        let tokenRows = x.rows
        switch self {
        case .float(let weight, _, _):
            x.values.withUnsafeBufferPointer { input in
                y.values.withUnsafeMutableBufferPointer { output in
                    guard let xBase = input.baseAddress, let yBase = output.baseAddress else { return }
                    Parallel.ensureStarted()
                    mf_gemm_f32_parallel(xBase, Int32(depth), Int32(tokenRows), weight.pointer, Int32(depth), Int32(depth),
                                         Int32(outputs), yBase, Int32(outputs))
                }
            }
        case .int8(let weight, let scales, let rowSums, _, _), .packedInt8(let weight, let scales, let rowSums, _, _):
            let isPacked = if case .packedInt8 = self { true } else { false }
            let activations = quantized ?? QuantizedRows(x)
            var accumulators = [Int32](repeating: 0, count: tokenRows * outputs)
            activations.values.withUnsafeBufferPointer { q in
                rowSums.withUnsafeBufferPointer { sums in
                    accumulators.withUnsafeMutableBufferPointer { acc in
                        guard let qBase = q.baseAddress, let accBase = acc.baseAddress else { return }
                        Parallel.ensureStarted()
                        if isPacked {
                            mf_gemm_s8_packed_parallel(qBase, Int32(depth), Int32(tokenRows), weight.pointer, sums.baseAddress,
                                                       Int32(depth), Int32(outputs), accBase, Int32(outputs))
                        } else {
                            mf_gemm_s8_parallel(qBase, Int32(depth), Int32(tokenRows), weight.pointer, Int32(depth), sums.baseAddress,
                                                Int32(depth), Int32(outputs), accBase, Int32(outputs))
                        }
                    }
                }
            }
            accumulators.withUnsafeBufferPointer { acc in
                y.values.withUnsafeMutableBufferPointer { output in
                    guard let accBase = acc.baseAddress, let yBase = output.baseAddress else { return }
                    mf_dequantize_rows(accBase, Int32(tokenRows), Int32(outputs), activations.scales, activations.offsets,
                                       scales.pointer, rowSums, nil, yBase)
                }
            }
        }
        return y
    }

    /// Row `index` as floats (an embedding lookup), dequantized when int8.
    func row(_ index: Int, into output: UnsafeMutablePointer<Float>) {
        switch self {
        case .float(let weight, _, let columns):
            output.update(from: weight.pointer + index * columns, count: columns)
        case .int8(let weight, let scales, _, _, let columns):
            let scale = scales.pointer[index]
            let source = weight.pointer + index * columns
            for column in 0..<columns { output[column] = Float(source[column]) * scale }
        case .packedInt8(let weight, let scales, _, _, let columns):
            // Element (row, column) sits in block row/16, chunk column/4, lane row%16, byte column%4.
            let scale = scales.pointer[index]
            let groups = (columns + 3) / 4
            let block = weight.pointer + (index / 16) * groups * 64 + (index % 16) * 4
            for column in 0..<columns { output[column] = Float(block[(column / 4) * 64 + column % 4]) * scale }
        }
    }
}

/// Activation rows quantized for the int8 products: asymmetric 8-bit per row (see
/// mf_quantize_row_asymmetric), row by row x ≈ scale · (value + offset).
struct QuantizedRows {
    var values: [Int8]
    var scales: [Float]
    var offsets: [Int32]

    init(_ x: Matrix) {
        let depth = x.columns
        values = [Int8](repeating: 0, count: x.rows * depth)
        scales = [Float](repeating: 0, count: x.rows)
        offsets = [Int32](repeating: 0, count: x.rows)
        x.values.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { q in
                scales.withUnsafeMutableBufferPointer { s in
                    offsets.withUnsafeMutableBufferPointer { o in
                        guard let xBase = input.baseAddress, let qBase = q.baseAddress, let sBase = s.baseAddress,
                            let oBase = o.baseAddress
                        else { return }
                        for row in 0..<x.rows {
                            mf_quantize_row_asymmetric(xBase + row * depth, Int32(depth), qBase + row * depth, sBase + row, oBase + row)
                        }
                    }
                }
            }
        }
    }

    /// Whether products with `weights` take int8 activations.
    static func needed(by weights: WeightMatrix) -> Bool {
        if case .float = weights { return false }
        return true
    }
}
