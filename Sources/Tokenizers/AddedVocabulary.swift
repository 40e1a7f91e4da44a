import JSON

/// A token from tokenizer.json's `added_tokens`: matched in the text before the model runs.
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    public var singleWord: Bool
    public var leftStrip: Bool
    public var rightStrip: Bool
    /// Matched in the normalized text (true) or in the raw input (false).
    public var normalized: Bool
    public var special: Bool

    init(json: JSONValue) throws(TokenizerError) {
        guard let id = json["id"]?.intValue, id >= 0 else { throw .missing("id", in: "added_tokens entry") }
        guard let content = json["content"]?.stringValue, !content.isEmpty else {
            throw .missing("content", in: "added_tokens entry \(id)")
        }
        self.id = id
        self.content = content
        singleWord = json["single_word"]?.boolValue ?? false
        leftStrip = json["lstrip"]?.boolValue ?? false
        rightStrip = json["rstrip"]?.boolValue ?? false
        special = json["special"]?.boolValue ?? false
        normalized = json["normalized"]?.boolValue ?? !special
    }
}

/// Finds added tokens in text the way `tokenizers`' AddedVocabulary does: leftmost-longest,
/// non-overlapping matches; `single_word` rejects matches inside words; `lstrip`/`rstrip`
/// swallow the whitespace beside the match into the token.
struct AddedTokenMatcher: Sendable {
    struct Pattern: Sendable {
        var scalars: [Unicode.Scalar]
        var token: AddedToken
    }

    private let patterns: [Pattern]
    private let firstScalars: Set<UInt32>

    init(_ patterns: [Pattern]) {
        // Longest first, so the first pattern that matches at a position is the longest.
        self.patterns = patterns.filter { !$0.scalars.isEmpty }.sorted { $0.scalars.count > $1.scalars.count }
        firstScalars = Set(self.patterns.compactMap { $0.scalars.first?.value })
    }

    var isEmpty: Bool { patterns.isEmpty }

    /// Splits `text` into runs: `token` set for an added token's match, nil for plain text.
    func split(_ text: [Unicode.Scalar]) -> [(token: AddedToken?, range: Range<Int>)] {
        if text.isEmpty { return [(nil, 0..<0)] }
        var splits: [(token: AddedToken?, range: Range<Int>)] = []
        var startOffset = 0
        var position = 0
        while position < text.count {
            guard firstScalars.contains(text[position].value), let pattern = longestMatch(in: text, at: position) else {
                position += 1
                continue
            }
            var start = position
            var stop = position + pattern.scalars.count
            position = stop
            let token = pattern.token
            if token.singleWord {
                let startsWord = start == 0 || !text[start - 1].isAlphanumeric
                let endsWord = stop == text.count || !text[stop].isAlphanumeric
                if !(startsWord && endsWord) { continue }
            }
            if token.leftStrip {
                var newStart = start
                while newStart > 0, text[newStart - 1].isWhitespace { newStart -= 1 }
                start = max(newStart, startOffset)
            }
            if token.rightStrip {
                while stop < text.count, text[stop].isWhitespace { stop += 1 }
            }
            if startOffset < start { splits.append((nil, startOffset..<start)) }
            splits.append((token, start..<stop))
            startOffset = stop
        }
        if startOffset != text.count { splits.append((nil, startOffset..<text.count)) }
        return splits
    }

    private func longestMatch(in text: [Unicode.Scalar], at position: Int) -> Pattern? {
        for pattern in patterns where position + pattern.scalars.count <= text.count {
            var matches = true
            for (offset, scalar) in pattern.scalars.enumerated() where text[position + offset] != scalar {
                matches = false
                break
            }
            if matches { return pattern }
        }
        return nil
    }
}
