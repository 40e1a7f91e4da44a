import CKernels

/// y = x Wᵀ + b, with W stored [outputs, inputs] as Hugging Face saves Linear layers.
struct LinearLayer: Sendable {
    let weights: WeightMatrix
    let bias: FloatBuffer?

    var outputs: Int { weights.rows }
    var inputs: Int { weights.columns }

    func apply(_ x: Matrix) -> Matrix {
        var y = weights.multiply(x)
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
    /// Symmetric int8 with one scale per row; `rowSums` serve the VNNI kernel.
    case int8(Int8Buffer, scales: FloatBuffer, rowSums: [Int32], rows: Int, columns: Int)

    var rows: Int {
        switch self {
        case .float(_, let rows, _), .int8(_, _, _, let rows, _): return rows
        }
    }

    var columns: Int {
        switch self {
        case .float(_, _, let columns), .int8(_, _, _, _, let columns): return columns
        }
    }

    /// x Wᵀ: [x.rows × rows].
    func multiply(_ x: Matrix) -> Matrix {
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
        case .int8(let weight, let scales, let rowSums, _, _):
            // Activations: asymmetric 8-bit per row, computed now (see mf_quantize_row_asymmetric).
            var quantized = [Int8](repeating: 0, count: tokenRows * depth)
            var rowScales = [Float](repeating: 0, count: tokenRows)
            var rowOffsets = [Int32](repeating: 0, count: tokenRows)
            x.values.withUnsafeBufferPointer { input in
                quantized.withUnsafeMutableBufferPointer { q in
                    guard let xBase = input.baseAddress, let qBase = q.baseAddress else { return }
                    for row in 0..<tokenRows {
                        mf_quantize_row_asymmetric(xBase + row * depth, Int32(depth), qBase + row * depth, &rowScales[row], &rowOffsets[row])
                    }
                }
            }
            var accumulators = [Int32](repeating: 0, count: tokenRows * outputs)
            quantized.withUnsafeBufferPointer { q in
                rowSums.withUnsafeBufferPointer { sums in
                    accumulators.withUnsafeMutableBufferPointer { acc in
                        guard let qBase = q.baseAddress, let accBase = acc.baseAddress else { return }
                        Parallel.ensureStarted()
                        mf_gemm_s8_parallel(qBase, Int32(depth), Int32(tokenRows), weight.pointer, Int32(depth), sums.baseAddress,
                                            Int32(depth), Int32(outputs), accBase, Int32(outputs))
                    }
                }
            }
            accumulators.withUnsafeBufferPointer { acc in
                y.values.withUnsafeMutableBufferPointer { output in
                    guard let accBase = acc.baseAddress, let yBase = output.baseAddress else { return }
                    mf_dequantize_rows(accBase, Int32(tokenRows), Int32(outputs), rowScales, rowOffsets, scales.pointer, rowSums, nil, yBase)
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
        }
    }
}
