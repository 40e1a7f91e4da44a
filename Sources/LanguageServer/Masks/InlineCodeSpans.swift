/// Inline code spans in a markdown paragraph: a run of N backticks up to the next run of
/// exactly N. An opener preceded by a backslash is literal; inside a span, backslashes are
/// literal, so a closer may follow one. Linear in the paragraph: each run length keeps a
/// pointer to its next unmatched run.
enum InlineCodeSpans {
    static func find(in bytes: [UInt8], range: Range<Int>) -> [Range<Int>] {
        let backtick = UInt8(ascii: "`")
        var runs: [(start: Int, length: Int, escaped: Bool)] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard bytes[index] == backtick else {
                index += 1
                continue
            }
            let start = index
            while index < range.upperBound, bytes[index] == backtick { index += 1 }
            var backslashes = 0
            var before = start - 1
            while before >= range.lowerBound, bytes[before] == UInt8(ascii: "\\") {
                backslashes += 1
                before -= 1
            }
            runs.append((start, index - start, backslashes % 2 == 1))
        }
        guard runs.count > 1 else { return [] }
        var runsByLength: [Int: [Int]] = [:]
        for (position, run) in runs.enumerated() { runsByLength[run.length, default: []].append(position) }
        var cursors: [Int: Int] = [:]
        var spans: [Range<Int>] = []
        var position = 0
        while position < runs.count {
            let opener = runs[position]
            // A run after a backslash is literal text (CommonMark would let the rest of the
            // run open a shorter span; prose rarely needs that precision).
            guard !opener.escaped, let candidates = runsByLength[opener.length] else {
                position += 1
                continue
            }
            var cursor = cursors[opener.length] ?? 0
            while cursor < candidates.count, candidates[cursor] <= position { cursor += 1 }
            cursors[opener.length] = cursor
            guard cursor < candidates.count else {
                position += 1
                continue
            }
            let closer = runs[candidates[cursor]]
            spans.append(opener.start..<(closer.start + closer.length))
            position = candidates[cursor] + 1
        }
        return spans
    }
}
