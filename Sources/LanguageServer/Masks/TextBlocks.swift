/// The prose of a document: the paragraphs a context window may draw from, and the inline code
/// spans inside them where masks do not count. Code blocks are in neither.
struct TextBlocks: Sendable, Equatable {
    /// Byte ranges, in order, disjoint.
    var paragraphs: [Range<Int>] = []
    /// Byte ranges of inline code spans, in order, each inside a paragraph.
    var codeSpans: [Range<Int>] = []

    /// Plain text: paragraphs are runs of non-blank lines.
    static func plainText(_ bytes: [UInt8]) -> TextBlocks {
        var blocks = TextBlocks()
        var paragraphStart: Int?
        var paragraphEnd = 0
        for line in Lines(bytes) {
            if line.isBlank(bytes) {
                if let start = paragraphStart { blocks.paragraphs.append(start..<paragraphEnd) }
                paragraphStart = nil
            } else {
                if paragraphStart == nil { paragraphStart = line.start }
                paragraphEnd = line.end
            }
        }
        if let start = paragraphStart { blocks.paragraphs.append(start..<paragraphEnd) }
        return blocks
    }
}

/// A line's content range (terminator excluded) and where the next line starts.
struct LineSpan {
    var start: Int
    var end: Int

    func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes[start..<end].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}

/// The lines of a UTF-8 text, split at `\n`, `\r\n` and `\r`.
struct Lines: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var index = 0
    private var finished = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> LineSpan? {
        guard !finished else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") { index += 1 }
        let end = index
        if index >= bytes.count {
            finished = true
        } else {
            if bytes[index] == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            index += 1
        }
        return LineSpan(start: start, end: end)
    }
}
