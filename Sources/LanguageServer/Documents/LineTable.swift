/// Where each line of a UTF-8 text starts. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP
/// counts them. Kept up to date edit by edit, so typing in a long document does not rescan it.
struct LineTable: Sendable, Equatable {
    /// Byte offset of each line's first byte; never empty (line 0 starts at 0).
    private(set) var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        starts = [0]
        appendStarts(in: bytes, from: 0, to: bytes.count)
    }

    var count: Int { starts.count }

    /// The line holding byte `offset` (a terminator belongs to the line it ends).
    func line(containing offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The end of line `line`'s content, before its terminator.
    func contentEnd(of line: Int, in bytes: [UInt8]) -> Int {
        let start = starts[line]
        var end = line + 1 < starts.count ? starts[line + 1] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// Updates the table after `bytes[replaced]` (old offsets) became `insertedCount` new bytes;
    /// `bytes` is the text after the edit. Rescans only from the line before the edit to the
    /// end of the inserted text, and shifts the starts after it.
    mutating func update(replacing replaced: Range<Int>, insertedCount: Int, in bytes: [UInt8]) {
        let delta = insertedCount - replaced.count
        // From the line holding the byte before the edit: a `\r` there may have paired with a
        // `\n` the edit removed, or pair with one it inserted.
        let firstLine = line(containing: max(0, replaced.lowerBound - 1))
        let rescanFrom = starts[firstLine]
        let later = starts.drop(while: { $0 <= replaced.upperBound })
        starts.removeSubrange((firstLine + 1)...)
        appendStarts(in: bytes, from: rescanFrom, to: replaced.lowerBound + insertedCount)
        starts.append(contentsOf: later.map { $0 + delta })
    }

    /// Appends the starts of lines whose terminator lies in `bytes[from..<to]`.
    private mutating func appendStarts(in bytes: [UInt8], from: Int, to: Int) {
        var index = from
        while index < to {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
            } else if byte == UInt8(ascii: "\r"), index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n") {
                starts.append(index + 1)
            }
            index += 1
        }
    }
}
