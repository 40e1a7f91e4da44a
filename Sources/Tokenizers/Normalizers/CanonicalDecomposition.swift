/// NFD as `tokenizers` applies it to a `NormalizedString`: every scalar decomposed, each run of
/// non-starters stably sorted by combining class, and then the alignments handed out by
/// position, as `NormalizedString::transform` does. A scalar that begins a decomposition takes
/// the alignment of the next input scalar in order, and one that continues a decomposition
/// takes the alignment of the input scalar before that point, wherever sorting moved the
/// scalars themselves. So after a reordering, a mark can carry its neighbour's span; offsets
/// match Python only when this is copied exactly.
enum CanonicalDecomposition {
    static func apply(_ text: NormalizedText) -> NormalizedText {
        // Below U+00C0 nothing decomposes and nothing is a non-starter: the identity.
        guard text.scalars.contains(where: { $0.value >= 0xC0 }) else { return text }
        var scalars: [Unicode.Scalar] = []
        var continues: [Bool] = []
        scalars.reserveCapacity(text.count + 8)
        continues.reserveCapacity(text.count + 8)
        for scalar in text.scalars {
            var first = true
            UnicodeMappings.decompose(scalar) { part in
                scalars.append(part)
                continues.append(!first)
                first = false
            }
        }
        sortNonStarterRuns(&scalars, &continues)
        var result = NormalizedText()
        result.reserveCapacity(scalars.count)
        var next = 0  // the input scalar whose alignment the next beginning scalar takes
        for (scalar, continuing) in zip(scalars, continues) {
            if continuing {
                let previous = max(0, next - 1)
                result.append(scalar, start: text.starts[previous], end: text.ends[previous])
            } else {
                result.append(scalar, start: text.starts[next], end: text.ends[next])
                next += 1
            }
        }
        return result
    }

    /// Canonical ordering: a stable insertion sort by combining class within each maximal run of
    /// non-starters (runs are a few marks long), moving each scalar's flag with it.
    private static func sortNonStarterRuns(_ scalars: inout [Unicode.Scalar], _ continues: inout [Bool]) {
        let classes = scalars.map(\.tokenizersCombiningClass)
        var order = Array(scalars.indices)
        var runStart = 0
        for index in 0...scalars.count {
            guard index == scalars.count || classes[index] == 0 else { continue }
            if index - runStart > 1 {
                for i in (runStart + 1)..<index {
                    var j = i
                    while j > runStart, classes[order[j - 1]] > classes[order[j]] {
                        order.swapAt(j - 1, j)
                        j -= 1
                    }
                }
            }
            runStart = index + 1
        }
        guard order != Array(scalars.indices) else { return }
        (scalars, continues) = (order.map { scalars[$0] }, order.map { continues[$0] })
    }
}
