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
}
