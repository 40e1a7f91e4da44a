/// Users write `<mask>` whatever the model; BERT-style models spell their mask `[MASK]`.
/// Rewrites one spelling to the other, remembering where each rewrite happened so offsets in
/// the rewritten text map back to the text as written.
struct MaskSpelling {
    static let generic = "<mask>"

    let written: [Unicode.Scalar]
    let rewritten: String
    /// (position in rewritten text, length change) for each rewrite, in order.
    private let shifts: [(at: Int, delta: Int)]

    init(text: String, modelMask: String) {
        written = Array(text.unicodeScalars)
        let from = Array(Self.generic.unicodeScalars)
        let to = Array(modelMask.unicodeScalars)
        guard from != to else {
            rewritten = text
            shifts = []
            return
        }
        var output = String.UnicodeScalarView()
        var shifts: [(at: Int, delta: Int)] = []
        var index = 0
        var outputCount = 0
        while index < written.count {
            if written[index] == "<", written[index...].starts(with: from) {
                output.append(contentsOf: to)
                outputCount += to.count
                shifts.append((outputCount, to.count - from.count))
                index += from.count
            } else {
                output.append(written[index])
                outputCount += 1
                index += 1
            }
        }
        rewritten = String(output)
        self.shifts = shifts
    }

    /// Maps an offset in the rewritten text back to the written text.
    func writtenOffset(_ offset: Int) -> Int {
        var delta = 0
        for shift in shifts where shift.at <= offset { delta += shift.delta }
        return offset - delta
    }
}
