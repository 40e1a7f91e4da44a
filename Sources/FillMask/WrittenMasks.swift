/// The masks of a text as the user wrote it (any of the given spellings, left to right), so a
/// candidate can be shown in place in the user's own text rather than in the tokenizer's
/// decoding of it (which an uncased model lowercases).
public struct WrittenMasks: Sendable {
    public let scalars: [Unicode.Scalar]
    /// Scalar offsets of each mask in `scalars`.
    public let spans: [Range<Int>]

    public init(text: String, spellings: [String]) {
        let scalars = Array(text.unicodeScalars)
        self.scalars = scalars
        let patterns = spellings.map { Array($0.unicodeScalars) }.filter { !$0.isEmpty }
        var spans: [Range<Int>] = []
        var index = 0
        while index < scalars.count {
            if let pattern = patterns.first(where: { scalars[index...].starts(with: $0) }) {
                spans.append(index..<index + pattern.count)
                index += pattern.count
            } else {
                index += 1
            }
        }
        self.spans = spans
    }

    /// Whether mask `index` starts a sentence (see `CasedForms.startsSentence`).
    public func startsSentence(_ index: Int) -> Bool {
        spans.indices.contains(index) && CasedForms.startsSentence(scalars, at: spans[index].lowerBound)
    }

    /// The text with mask `index` replaced by `piece`, the other masks left as written. A piece
    /// that continues the previous word, or closing punctuation ("," "."), takes the whitespace
    /// before the mask, as the pipeline's decoding does; a word typed against the previous one
    /// ("feel<mask>") gets a space, as the model read it as a new word.
    public func replacing(_ index: Int, with piece: WordPiece) -> String {
        guard spans.indices.contains(index) else { return String(String.UnicodeScalarView(scalars)) }
        return Self.splice(piece.text, into: scalars, replacing: spans[index],
                           joinsPrevious: piece.joinsPrevious || Self.closesPhrase(piece.text), spacesNewWord: true)
    }

    /// `scalars` with `range` replaced by `text`. Joining text also takes the whitespace before
    /// `range`; with `spacesNewWord`, other text typed against a letter or digit gets a space.
    static func splice(_ text: String, into scalars: [Unicode.Scalar], replacing range: Range<Int>,
                       joinsPrevious: Bool, spacesNewWord: Bool) -> String {
        var start = range.lowerBound
        if joinsPrevious {
            while start > 0, scalars[start - 1].properties.isWhitespace { start -= 1 }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[..<start])
        if spacesNewWord, !joinsPrevious, start > 0,
           scalars[start - 1].properties.isAlphabetic || scalars[start - 1].properties.numericType != nil {
            result.append(" ")
        }
        result.append(contentsOf: text.unicodeScalars)
        result.append(contentsOf: scalars[range.upperBound...])
        return String(result)
    }

    static func closesPhrase(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { ".,!?;:".unicodeScalars.contains($0) }
    }
}
