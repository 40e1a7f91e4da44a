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
            } else if Self.isPunctuation(scalar) {
                if let start = wordStart { pieces.append(piece.slice(start..<index)) }
                pieces.append(piece.slice(index..<(index + 1)))
                wordStart = nil
            } else if wordStart == nil {
                wordStart = index
            }
        }
        if let start = wordStart { pieces.append(piece.slice(start..<piece.count)) }
    }

    /// ASCII punctuation (which includes symbols such as `$` and `+`) or Unicode P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
                || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
        }
        return scalar.isPunctuation
    }
}
