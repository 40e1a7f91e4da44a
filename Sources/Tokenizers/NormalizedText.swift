/// Text as the pipeline sees it after normalization, each scalar remembering the span of the
/// original input (in scalar indices) it came from. This is how offsets survive lowercasing,
/// accent stripping and byte-level mapping, as `NormalizedString` alignments do in `tokenizers`.
struct NormalizedText {
    var scalars: [Unicode.Scalar]
    var starts: [Int]
    var ends: [Int]

    init() {
        scalars = []
        starts = []
        ends = []
    }

    /// The identity alignment over `scalars`, whose first scalar sits at `origin` in the input.
    init(_ scalars: some Collection<Unicode.Scalar>, origin: Int = 0) {
        self.scalars = Array(scalars)
        starts = Array(origin..<(origin + self.scalars.count))
        ends = Array((origin + 1)..<(origin + self.scalars.count + 1))
    }

    var count: Int { scalars.count }
    var isEmpty: Bool { scalars.isEmpty }

    mutating func reserveCapacity(_ capacity: Int) {
        scalars.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
    }

    mutating func append(_ scalar: Unicode.Scalar, start: Int, end: Int) {
        scalars.append(scalar)
        starts.append(start)
        ends.append(end)
    }

    /// The scalars in `range`, keeping their alignments.
    func slice(_ range: Range<Int>) -> NormalizedText {
        var result = NormalizedText()
        result.scalars = Array(scalars[range])
        result.starts = Array(starts[range])
        result.ends = Array(ends[range])
        return result
    }

    /// The original span of the normalized scalars in `range`. An empty range maps to the
    /// position just before its index (the end of the previous scalar), or the text's start.
    func originalSpan(_ range: Range<Int>) -> TokenOffsets {
        if range.isEmpty {
            if range.lowerBound < count { return TokenOffsets(starts[range.lowerBound], starts[range.lowerBound]) }
            if let last = ends.last { return TokenOffsets(last, last) }
            return TokenOffsets(0, 0)
        }
        return TokenOffsets(starts[range.lowerBound], ends[range.upperBound - 1])
    }

    var string: String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }
}
