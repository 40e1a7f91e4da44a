/// The prose blocks of a markdown document, after CommonMark's block rules as far as masks
/// care: fenced code (``` and ~~~, closed by a fence of the same character at least as long,
/// or open to the end), indented code (four columns past the enclosing list item's content, and
/// never interrupting a paragraph), headings and list items as paragraphs of their own, and
/// thematic breaks between paragraphs. Inline code spans are found inside each paragraph.
extension TextBlocks {
    static func markdown(_ bytes: [UInt8]) -> TextBlocks {
        var scanner = MarkdownBlockScanner(bytes: bytes)
        for line in Lines(bytes) { scanner.consume(line) }
        scanner.closeParagraph()
        var blocks = TextBlocks(paragraphs: scanner.paragraphs)
        for paragraph in blocks.paragraphs {
            blocks.codeSpans.append(contentsOf: InlineCodeSpans.find(in: bytes, range: paragraph))
        }
        return blocks
    }
}

private struct MarkdownBlockScanner {
    struct Fence {
        var marker: UInt8
        var length: Int
        /// The list content column the fence was opened in.
        var base: Int
    }

    let bytes: [UInt8]
    var paragraphs: [Range<Int>] = []
    private var paragraph: Range<Int>?
    private var fence: Fence?
    /// Content column of the list item the text is in; 0 outside lists.
    private var listIndent = 0
    private var previousBlank = true

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func closeParagraph() {
        if let paragraph { paragraphs.append(paragraph) }
        paragraph = nil
    }

    mutating func consume(_ line: LineSpan) {
        let (indent, contentStart) = indentation(line)
        if let open = fence {
            if contentStart < line.end, relative(indent, to: open.base) <= 3, isClosingFence(contentStart..<line.end, open) {
                fence = nil
            }
            return
        }
        guard contentStart < line.end else {
            closeParagraph()
            previousBlank = true
            return
        }
        defer { previousBlank = false }
        if listIndent > 0, previousBlank, indent < listIndent { listIndent = 0 }
        let relativeIndent = relative(indent, to: listIndent)
        let content = contentStart..<line.end
        if relativeIndent <= 3, let opened = openingFence(content) {
            closeParagraph()
            fence = Fence(marker: opened.marker, length: opened.length, base: listIndent)
            return
        }
        if relativeIndent >= 4, paragraph == nil { return }  // indented code
        if relativeIndent <= 3, isHeading(content) {
            closeParagraph()
            paragraphs.append(content)
            return
        }
        if relativeIndent <= 3, isThematicBreak(content) {
            closeParagraph()
            return
        }
        if relativeIndent <= 3, let item = listItem(content) {
            closeParagraph()
            listIndent = indent + item.contentOffset
            if item.contentStart < line.end { paragraph = item.contentStart..<line.end }
            return
        }
        if let open = paragraph {
            paragraph = open.lowerBound..<line.end
        } else {
            paragraph = content
        }
    }

    private func relative(_ indent: Int, to base: Int) -> Int {
        indent >= base ? indent - base : indent
    }

    /// Leading indentation in columns (tabs to the next multiple of 4) and the first other byte.
    private func indentation(_ line: LineSpan) -> (Int, Int) {
        var columns = 0
        var index = line.start
        while index < line.end {
            if bytes[index] == UInt8(ascii: " ") {
                columns += 1
            } else if bytes[index] == UInt8(ascii: "\t") {
                columns += 4 - columns % 4
            } else {
                break
            }
            index += 1
        }
        return (columns, index)
    }

    private func run(of marker: UInt8, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == marker { index += 1 }
        return index - start
    }

    private func openingFence(_ content: Range<Int>) -> (marker: UInt8, length: Int)? {
        let marker = bytes[content.lowerBound]
        guard marker == UInt8(ascii: "`") || marker == UInt8(ascii: "~") else { return nil }
        let length = run(of: marker, from: content.lowerBound, to: content.upperBound)
        guard length >= 3 else { return nil }
        // "```code```" on one line is inline code: a backtick fence's info string has no backtick.
        if marker == UInt8(ascii: "`"), bytes[(content.lowerBound + length)..<content.upperBound].contains(marker) { return nil }
        return (marker, length)
    }

    private func isClosingFence(_ content: Range<Int>, _ fence: Fence) -> Bool {
        let length = run(of: fence.marker, from: content.lowerBound, to: content.upperBound)
        guard length >= fence.length else { return false }
        return bytes[(content.lowerBound + length)..<content.upperBound].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    private func isHeading(_ content: Range<Int>) -> Bool {
        let hashes = run(of: UInt8(ascii: "#"), from: content.lowerBound, to: content.upperBound)
        guard (1...6).contains(hashes) else { return false }
        let after = content.lowerBound + hashes
        return after == content.upperBound || bytes[after] == UInt8(ascii: " ") || bytes[after] == UInt8(ascii: "\t")
    }

    /// `---`, `***`, `___` (thematic breaks) and `===` (setext underlines): three or more of one
    /// character, spaces allowed between.
    private func isThematicBreak(_ content: Range<Int>) -> Bool {
        let marker = bytes[content.lowerBound]
        guard [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "=")].contains(marker) else { return false }
        var count = 0
        for byte in bytes[content] {
            if byte == marker {
                count += 1
            } else if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") {
                return false
            }
        }
        return count >= 3
    }

    /// A bullet (`-`, `*`, `+`) or ordered (`1.`, `2)`) marker followed by a space or the end
    /// of the line: where its content starts, and that start as a column offset from the marker.
    private func listItem(_ content: Range<Int>) -> (contentStart: Int, contentOffset: Int)? {
        var index = content.lowerBound
        let first = bytes[index]
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
            index += 1
        } else {
            let digits = run(ofDigitsFrom: index, to: content.upperBound)
            guard (1...9).contains(digits) else { return nil }
            index += digits
            guard index < content.upperBound, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ")") else { return nil }
            index += 1
        }
        let markerWidth = index - content.lowerBound
        guard index == content.upperBound || bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") else { return nil }
        var spaces = 0
        while index < content.upperBound, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t"), spaces < 5 {
            index += 1
            spaces += 1
        }
        // Five or more spaces: the item's content is indented code, its column one past the marker.
        if spaces >= 5 || index == content.upperBound { return (index, markerWidth + 1) }
        return (index, markerWidth + spaces)
    }

    private func run(ofDigitsFrom start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }
}
