/// Cuts prose into the units a context window grows by: sentences, and words when one
/// sentence is too long. Units cover their range without gaps, each starting with the
/// whitespace before it, and never split a mask.
enum TextSegmentation {
    /// Sentences: each ends after `.`, `!` or `?` (with closing quotes and brackets) followed by
    /// whitespace or the end of the range, or after a CJK full stop, exclamation or question mark.
    static func sentences(in text: ArraySlice<UInt8>, range: Range<Int>, masks: ArraySlice<Range<Int>>) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        var nextMask = firstMask(in: masks, endingAfter: index)
        while index < range.upperBound {
            while nextMask < masks.endIndex, masks[nextMask].upperBound <= index { nextMask += 1 }
            if nextMask < masks.endIndex, masks[nextMask].lowerBound <= index {
                index = masks[nextMask].upperBound
                continue
            }
            let byte = text[index]
            if isTerminator(byte) {
                var end = index + 1
                while end < range.upperBound, isTerminator(text[end]) || isCloser(text[end]) { end += 1 }
                while let length = closingQuoteLength(text, at: end, limit: range.upperBound) { end += length }
                if end < range.upperBound, isWhitespace(text[end]) {
                    units.append(start..<end)
                    start = end
                }
                index = end
                continue
            }
            if let length = cjkTerminatorLength(text, at: index, limit: range.upperBound) {
                index += length
                if index < range.upperBound {
                    units.append(start..<index)
                    start = index
                }
                continue
            }
            index += 1
        }
        if start < range.upperBound || units.isEmpty { units.append(start..<range.upperBound) }
        return units
    }

    /// Words: a unit starts where non-whitespace follows whitespace; a word longer than
    /// `longWord` bytes (a CJK sentence, a URL) is cut at scalar boundaries so it can shrink too.
    static func words(in text: ArraySlice<UInt8>, range: Range<Int>, masks: ArraySlice<Range<Int>>, longWord: Int = 48) -> [Range<Int>] {
        var units: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        var nextMask = firstMask(in: masks, endingAfter: index)
        while index < range.upperBound {
            while nextMask < masks.endIndex, masks[nextMask].upperBound <= index { nextMask += 1 }
            let atMask = nextMask < masks.endIndex && masks[nextMask].lowerBound == index
            if index > start {
                let wordStart = isWhitespace(text[index - 1]) && !isWhitespace(text[index])
                let longCut = index - start >= longWord && !isWhitespace(text[index]) && text[index] & 0xC0 != 0x80
                if wordStart || longCut {
                    units.append(start..<index)
                    start = index
                }
            }
            index = atMask ? masks[nextMask].upperBound : index + 1
        }
        if start < range.upperBound || units.isEmpty { units.append(start..<range.upperBound) }
        return units
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func isTerminator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?")
    }

    private static func isCloser(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// ” ’ » after a sentence end.
    private static func closingQuoteLength(_ text: ArraySlice<UInt8>, at index: Int, limit: Int) -> Int? {
        if index + 2 < limit, text[index] == 0xE2, text[index + 1] == 0x80, text[index + 2] == 0x9D || text[index + 2] == 0x99 {
            return 3
        }
        if index + 1 < limit, text[index] == 0xC2, text[index + 1] == 0xBB { return 2 }
        return nil
    }

    /// 。！？ (U+3002, U+FF01, U+FF1F).
    private static func cjkTerminatorLength(_ text: ArraySlice<UInt8>, at index: Int, limit: Int) -> Int? {
        guard index + 2 < limit else { return nil }
        let (first, second, third) = (text[index], text[index + 1], text[index + 2])
        if first == 0xE3, second == 0x80, third == 0x82 { return 3 }
        if first == 0xEF, second == 0xBC, third == 0x81 || third == 0x9F { return 3 }
        return nil
    }

    /// The index of the first mask that ends after `offset` (binary search; masks are in order).
    static func firstMask(in masks: ArraySlice<Range<Int>>, endingAfter offset: Int) -> Int {
        var low = masks.startIndex
        var high = masks.endIndex
        while low < high {
            let middle = (low + high) / 2
            if masks[middle].upperBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
