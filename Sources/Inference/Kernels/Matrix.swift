/// A dense row-major fp32 matrix of activations.
struct Matrix {
    var rows: Int
    var columns: Int
    var values: [Float]

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        values = [Float](repeating: 0, count: rows * columns)
    }

    /// The given rows, in order.
    func gathering(rows selected: [Int]) -> Matrix {
        var result = Matrix(rows: selected.count, columns: columns)
        for (target, source) in selected.enumerated() {
            result.values.replaceSubrange(target * columns..<(target + 1) * columns, with: values[source * columns..<(source + 1) * columns])
        }
        return result
    }

    func row(_ index: Int) -> ArraySlice<Float> {
        values[index * columns..<(index + 1) * columns]
    }

    /// Every row multiplied element by element by `factors` (one per column).
    func scalingColumns(by factors: FloatBuffer) -> Matrix {
        var result = self
        let columns = columns
        result.values.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows {
                let base = row * columns
                for column in 0..<min(columns, factors.count) { out[base + column] *= factors.pointer[column] }
            }
        }
        return result
    }
}
