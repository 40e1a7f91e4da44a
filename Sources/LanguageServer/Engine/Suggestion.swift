import FillMask

/// One candidate for a mask as an editor shows it: the text to insert, whether it continues
/// the word before the mask, and its probability.
struct Suggestion: Sendable, Equatable {
    var text: String
    var joinsPrevious: Bool
    var score: Float

    /// Candidates the pipeline ranked, as suggestions: special tokens (`[UNK]`, `<pad>`),
    /// BERT's `[unusedN]` slots, punctuation, empty pieces and repeats of a better candidate
    /// are left out.
    static func ranked(_ candidates: [FillCandidate], pipeline: FillMaskPipeline, startsSentence: Bool = false) -> [Suggestion] {
        ranked(candidates.map { (id: $0.token, score: $0.score) }, pipeline: pipeline, startsSentence: startsSentence)
    }

    /// The same for token ids and their probabilities, best first. Words are spelled as people
    /// write them (see `FillMaskPipeline.displayText`).
    static func ranked(_ candidates: [(id: Int, score: Float)], pipeline: FillMaskPipeline, startsSentence: Bool = false) -> [Suggestion] {
        let special = Set(pipeline.tokenizer.addedTokens.filter(\.special).map(\.content))
        var seen = Set<String>()
        var suggestions: [Suggestion] = []
        for candidate in candidates {
            // Decoded on its own, as the pipeline's token_str.
            let tokenString = pipeline.tokenizer.decode([candidate.id])
            guard !special.contains(tokenString), !isUnusedSlot(tokenString) else { continue }
            let piece = pipeline.wordPiece(tokenString)
            let text = pipeline.displayText(WordPiece(text: piece.text.trimmingSpaces(), joinsPrevious: piece.joinsPrevious), startsSentence: startsSentence)
            guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else { continue }
            // Users write words into a mask: punctuation-only candidates ("," ".") are left out.
            guard text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else { continue }
            guard seen.insert((piece.joinsPrevious ? "+" : " ") + text).inserted else { continue }
            suggestions.append(Suggestion(text: text, joinsPrevious: piece.joinsPrevious, score: candidate.score))
        }
        return suggestions
    }

    /// The `count` best suggestions from a mask's probabilities over the vocabulary. `ranked`
    /// leaves out punctuation, special tokens and repeats, which can be most of a model's first
    /// guesses (after "He said: ", or at the end of a line): rank deeper until enough are left.
    static func best(_ count: Int, of probabilities: [Float], pipeline: FillMaskPipeline, startsSentence: Bool = false) -> [Suggestion] {
        var suggestions: [Suggestion] = []
        for depth in [count + 3, 64, deepestRanking] {
            let ranked = TopK.select(probabilities, k: depth).map { (id: $0, score: probabilities[$0]) }
            suggestions = Self.ranked(ranked, pipeline: pipeline, startsSentence: startsSentence)
            if suggestions.count >= count || depth >= probabilities.count { break }
        }
        return Array(suggestions.prefix(count))
    }

    /// How deep `best` ranks at most: words further down have no useful probability.
    static let deepestRanking = 1024

    private static func isUnusedSlot(_ token: String) -> Bool {
        token.hasPrefix("[unused") && token.hasSuffix("]")
    }
}
