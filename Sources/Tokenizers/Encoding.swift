/// The result of encoding one text: what Python's `Encoding` exposes as `ids`, `tokens` and
/// `offsets`. Offsets are `[start, end)` in Unicode scalar indices of the input text; special
/// tokens added by the post-processor get `(0, 0)`.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int]
    public var tokens: [String]
    public var offsets: [TokenOffsets]
    /// True for tokens added by the post-processor (`<s>`, `[CLS]` …).
    public var isSpecial: [Bool]

    public init(ids: [Int] = [], tokens: [String] = [], offsets: [TokenOffsets] = [], isSpecial: [Bool] = []) {
        self.ids = ids
        self.tokens = tokens
        self.offsets = offsets
        self.isSpecial = isSpecial
    }

    public var count: Int { ids.count }

    mutating func append(id: Int, token: String, offsets: TokenOffsets, special: Bool = false) {
        ids.append(id)
        tokens.append(token)
        self.offsets.append(offsets)
        isSpecial.append(special)
    }
}

public struct TokenOffsets: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
}
