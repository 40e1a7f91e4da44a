/// Converting between LSP positions (line, character in UTF-8, UTF-16 or UTF-32 units) and
/// byte offsets. Out-of-range positions are clamped as LSP asks (a character past the end of
/// its line means the end of the line; a line past the end means the end of the document), and
/// a position inside a scalar (between the halves of a surrogate pair) rounds down to its start.
extension TextDocument {
    func offset(of position: Position, encoding: PositionEncoding) -> Int {
        guard position.line < lines.count else { return bytes.count }
        var offset = lines.starts[position.line]
        let end = lines.contentEnd(of: position.line, in: bytes)
        var units = 0
        while offset < end, units < position.character {
            let length = Self.scalarLength(bytes[offset])
            let width = encoding.width(utf8Length: length)
            if units + width > position.character { break }
            units += width
            offset += length
        }
        return min(offset, end)
    }

    func position(of offset: Int, encoding: PositionEncoding) -> Position {
        let target = min(max(0, offset), bytes.count)
        let line = lines.line(containing: target)
        let end = min(target, lines.contentEnd(of: line, in: bytes))
        var index = lines.starts[line]
        var units = 0
        while index < end {
            let length = Self.scalarLength(bytes[index])
            units += encoding.width(utf8Length: length)
            index += length
        }
        return Position(line: line, character: units)
    }

    func range(of byteRange: Range<Int>, encoding: PositionEncoding) -> TextRange {
        TextRange(start: position(of: byteRange.lowerBound, encoding: encoding), end: position(of: byteRange.upperBound, encoding: encoding))
    }

    /// Bytes in the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, which
    /// valid text never has, so the walk always advances).
    @inline(__always)
    static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
