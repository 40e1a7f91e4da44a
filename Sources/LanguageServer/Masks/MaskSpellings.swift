/// The spellings that count as a mask in a document (`<mask>`, `[MASK]`, or what the user
/// configured), matched byte for byte, longest first.
struct MaskSpellings: Sendable, Equatable {
    /// `<mask>` and `[MASK]` work whatever the model; the model's own token is added when it
    /// is something else.
    static let builtIn = ["<mask>", "[MASK]"]

    let spellings: [String]
    private let patterns: [[UInt8]]
    private let firstBytes: Set<UInt8>

    init(_ spellings: [String]) {
        var seen = Set<String>()
        let unique = spellings.filter { !$0.isEmpty && seen.insert($0).inserted }
        self.spellings = unique
        patterns = unique.map { Array($0.utf8) }.sorted { $0.count > $1.count }
        firstBytes = Set(patterns.compactMap(\.first))
    }

    static func == (left: MaskSpellings, right: MaskSpellings) -> Bool { left.spellings == right.spellings }

    /// The length of the spelling that starts at `bytes[index]`, if one does.
    @inline(__always)
    func match(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        guard firstBytes.contains(bytes[index]) else { return nil }
        for pattern in patterns where index + pattern.count <= bytes.endIndex {
            var matched = true
            // From the first byte: `firstBytes` only says that some spelling starts with it.
            for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] {
                matched = false
                break
            }
            if matched { return pattern.count }
        }
        return nil
    }

    /// Every mask in `bytes[range]` (indices as in `bytes`), skipping the ranges in `excluded`
    /// (sorted, disjoint).
    func occurrences(in bytes: ArraySlice<UInt8>, range: Range<Int>, excluding excluded: [Range<Int>] = []) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = range.lowerBound
        var nextExcluded = 0
        while index < range.upperBound {
            while nextExcluded < excluded.count, excluded[nextExcluded].upperBound <= index { nextExcluded += 1 }
            if nextExcluded < excluded.count, excluded[nextExcluded].contains(index) {
                index = excluded[nextExcluded].upperBound
                continue
            }
            if let length = match(bytes, at: index), index + length <= range.upperBound {
                found.append(index..<index + length)
                index += length
            } else {
                index += 1
            }
        }
        return found
    }
}
