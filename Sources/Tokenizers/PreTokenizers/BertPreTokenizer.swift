/// BERT's pre-tokenizer: split on whitespace (dropped) and make every punctuation scalar its
/// own piece.
struct BertPreTokenizer: PreTokenizer {
    func split(_ piece: NormalizedText, into pieces: inout [NormalizedText]) {
        var wordStart: Int? = nil
        for index in 0..<piece.count {
            let scalar = piece.scalars[index]
            if scalar.isWhitespace {
                if let start = wordStart { pieces.append(piece.slice(start..<index)) }
                wordStart = nil
            } else if scalar.isBertPunctuation {
                if let start = wordStart { pieces.append(piece.slice(start..<index)) }
                pieces.append(piece.slice(index..<(index + 1)))
                wordStart = nil
            } else if wordStart == nil {
                wordStart = index
            }
        }
        if let start = wordStart { pieces.append(piece.slice(start..<piece.count)) }
    }
}
