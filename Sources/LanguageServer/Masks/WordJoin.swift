/// Where a candidate that continues the previous word ("##ing", RoBERTa's "ing") starts its
/// replacement: at the spaces and tabs before the mask, so "walk <mask>" becomes "walking".
/// Only on the mask's own line, and only after a word: a mask that starts its line or its
/// paragraph has nothing to join.
enum WordJoin {
    static func replacementStart(in bytes: ArraySlice<UInt8>, before offset: Int) -> Int {
        var start = offset
        while start > bytes.startIndex, bytes[start - 1] == UInt8(ascii: " ") || bytes[start - 1] == UInt8(ascii: "\t") {
            start -= 1
        }
        guard start < offset, start > bytes.startIndex else { return offset }
        let previous = bytes[start - 1]
        return previous == UInt8(ascii: "\n") || previous == UInt8(ascii: "\r") ? offset : start
    }
}
