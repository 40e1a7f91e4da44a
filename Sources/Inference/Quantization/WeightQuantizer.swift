import CKernels

/// Symmetric int8 quantization of weight rows (output channels): q = round(w / s),
/// s = max|w| / 127, so every row uses its full int8 range.
enum WeightQuantizer {
    static func quantize(_ weight: FloatBuffer, rows: Int, columns: Int) -> WeightMatrix {
        let values = Int8Buffer(count: rows * columns)
        let scales = FloatBuffer(count: rows)
        let target = UnsafeSendable((values.mutablePointer, scales.mutablePointer))
        Parallel.forSlices(of: rows, work: rows * columns * 4) { slice in
            for row in slice {
                target.value.1[row] = mf_quantize_row_s8(weight.pointer + row * columns, Int32(columns), target.value.0 + row * columns)
            }
        }
        return .int8(values, scales: scales, rowSums: rowSums(values, rows: rows, columns: columns), rows: rows, columns: columns)
    }

    /// Per-row sums of an int8 matrix, for the VNNI kernel's unsigned-times-signed correction.
    static func rowSums(_ values: Int8Buffer, rows: Int, columns: Int) -> [Int32] {
        var sums = [Int32](repeating: 0, count: rows)
        sums.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let target = UnsafeSendable(base)
            Parallel.forSlices(of: rows, work: rows * columns) { slice in
                for row in slice { target.value[row] = mf_sum_s8(values.pointer + row * columns, Int32(columns)) }
            }
        }
        return sums
    }

    /// Back to floats (for the fp32 path on an int8 folder).
    static func dequantize(_ values: Int8Buffer, scales: FloatBuffer, rows: Int, columns: Int) -> FloatBuffer {
        let result = FloatBuffer(count: rows * columns)
        let out = result.mutablePointer
        for row in 0..<rows {
            let scale = scales.pointer[row]
            for column in 0..<columns {
                out[row * columns + column] = Float(values.pointer[row * columns + column]) * scale
            }
        }
        return result
    }
}
