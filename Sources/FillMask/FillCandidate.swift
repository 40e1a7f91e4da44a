/// One candidate for one mask, with the fields of Hugging Face's fill-mask pipeline.
public struct FillCandidate: Sendable, Equatable {
    /// Probability (softmax over the whole vocabulary).
    public var score: Float
    /// Token id.
    public var token: Int
    /// The token decoded on its own (" comfortable" for RoBERTa, "comfortable" for BERT).
    public var tokenString: String
    /// The text with this candidate in the mask.
    public var sequence: String
}

/// What a candidate token looks like in running text.
public struct WordPiece: Sendable, Equatable {
    /// The characters to insert (no leading space, no `##`).
    public var text: String
    /// True when the piece continues the word before the mask rather than starting a new one.
    public var joinsPrevious: Bool

    public init(text: String, joinsPrevious: Bool) {
        self.text = text
        self.joinsPrevious = joinsPrevious
    }
}
