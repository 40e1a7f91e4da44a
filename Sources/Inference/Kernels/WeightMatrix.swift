import CKernels

/// A weight matrix in one of the two precisions. Rows are output channels.
enum WeightMatrix: Sendable {
    case float(FloatBuffer, rows: Int, columns: Int)
    /// Symmetric int8 with one scale per row; `rowSums` serve the VNNI kernels.
    case int8(Int8Buffer, scales: FloatBuffer, rowSums: [Int32], rows: Int, columns: Int)
    /// The same int8 weights in the VNNI packed layout (see pack_s8.c), used for every int8
    /// product on CPUs with AVX-512 VNNI (embedding rows are read from it too).
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

    /// A float matrix with column j multiplied by factors[j] (other layouts are returned as
    /// they are: only float weights are rescaled, before quantizing or after dequantizing).
    func scalingColumns(by factors: FloatBuffer) -> WeightMatrix {
        guard case .float(let weight, let rows, let columns) = self, factors.count == columns else { return self }
        let result = FloatBuffer(count: rows * columns)
        let out = result.mutablePointer
        for row in 0..<rows {
            for column in 0..<columns {
                out[row * columns + column] = weight.pointer[row * columns + column] * factors.pointer[column]
            }
        }
        return .float(result, rows: rows, columns: columns)
    }

    /// This matrix in the packed layout when the CPU has a kernel for it; otherwise itself.
    func packedForVNNI() -> WeightMatrix {
        guard case .int8(let values, let scales, let rowSums, let rows, let columns) = self, mf_packed_s8_available() != 0 else {
            return self
        }
        let packed = Int8Buffer(count: Int(mf_packed_s8_size(Int32(rows), Int32(columns))))
        Parallel.ensureStarted()
        mf_pack_s8(values.pointer, Int32(columns), Int32(rows), Int32(columns), packed.mutablePointer)
        return .packedInt8(packed, scales: scales, rowSums: rowSums, rows: rows, columns: columns)
    }

    /// x Wᵀ: [x.rows × rows], for the float and row-major int8 layouts (LinearLayer runs the
    /// packed layout). `codes` may carry x already quantized.
    func multiply(_ x: Matrix, codes: ActivationCodes? = nil) -> Matrix {
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
        case .packedInt8:
            return multiplyPacked(ActivationCodes(x), bias: nil, activation: MF_ACTIVATION_NONE)
        case .int8(let weight, let scales, let rowSums, _, _):
            let activations = codes ?? ActivationCodes(x)
            let (signed, offsets) = activations.signed
            let stride = activations.stride
            var accumulators = [Int32](repeating: 0, count: tokenRows * outputs)
            signed.withUnsafeBufferPointer { q in
                rowSums.withUnsafeBufferPointer { sums in
                    accumulators.withUnsafeMutableBufferPointer { acc in
                        guard let qBase = q.baseAddress, let accBase = acc.baseAddress else { return }
                        Parallel.ensureStarted()
                        mf_gemm_s8_parallel(qBase, Int32(stride), Int32(tokenRows), weight.pointer, Int32(depth), sums.baseAddress,
                                            Int32(depth), Int32(outputs), accBase, Int32(outputs))
                    }
                }
            }
            accumulators.withUnsafeBufferPointer { acc in
                y.values.withUnsafeMutableBufferPointer { output in
                    guard let accBase = acc.baseAddress, let yBase = output.baseAddress else { return }
                    mf_dequantize_rows(accBase, Int32(tokenRows), Int32(outputs), activations.scales, offsets,
                                       scales.pointer, rowSums, nil, yBase)
                }
            }
        }
        return y
    }

    /// activation(codes Wᵀ + bias) on the packed layout: product, dequantization, bias and
    /// activation in one call (mf_linear_s8_packed). Only for `.packedInt8`.
    func multiplyPacked(_ codes: ActivationCodes, bias: FloatBuffer?, activation: mf_activation) -> Matrix {
        guard case .packedInt8(let weight, let scales, let rowSums, let outputs, let depth) = self else {
            preconditionFailure("multiplyPacked needs packed weights")
        }
        var y = Matrix(rows: codes.rows, columns: outputs)
        codes.values.withUnsafeBufferPointer { c in
            codes.scales.withUnsafeBufferPointer { s in
                codes.zeroPoints.withUnsafeBufferPointer { z in
                    rowSums.withUnsafeBufferPointer { sums in
                        y.values.withUnsafeMutableBufferPointer { out in
                            guard let cBase = c.baseAddress, let sBase = s.baseAddress, let zBase = z.baseAddress,
                                let sumsBase = sums.baseAddress, let yBase = out.baseAddress
                            else { return }
                            Parallel.ensureStarted()
                            mf_linear_s8_packed(cBase, Int32(codes.stride), Int32(codes.rows), sBase, zBase, weight.pointer,
                                                sumsBase, scales.pointer, bias?.pointer, Int32(depth), Int32(outputs),
                                                Int32(activation.rawValue), yBase, Int32(outputs))
                        }
                    }
                }
            }
        }
        return y
    }

    /// activation(codes Wᵀ + bias) on the row-major int8 layout, split across threads with each
    /// block dequantized and activated as soon as it is computed (mf_linear_s8). Only for `.int8`.
    func multiplyRowMajor(_ codes: ActivationCodes, bias: FloatBuffer?, activation: mf_activation) -> Matrix {
        guard case .int8(let weight, let scales, let rowSums, let outputs, let depth) = self else {
            preconditionFailure("multiplyRowMajor needs row-major int8 weights")
        }
        var y = Matrix(rows: codes.rows, columns: outputs)
        let (signed, offsets) = codes.signed
        signed.withUnsafeBufferPointer { x in
            codes.scales.withUnsafeBufferPointer { s in
                offsets.withUnsafeBufferPointer { o in
                    rowSums.withUnsafeBufferPointer { sums in
                        y.values.withUnsafeMutableBufferPointer { out in
                            guard let xBase = x.baseAddress, let sBase = s.baseAddress, let oBase = o.baseAddress,
                                let sumsBase = sums.baseAddress, let yBase = out.baseAddress
                            else { return }
                            Parallel.ensureStarted()
                            mf_linear_s8(xBase, Int32(codes.stride), Int32(codes.rows), sBase, oBase, weight.pointer, Int32(depth),
                                         sumsBase, scales.pointer, bias?.pointer, Int32(depth), Int32(outputs),
                                         Int32(activation.rawValue), yBase, Int32(outputs))
                        }
                    }
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
