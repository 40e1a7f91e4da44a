/// GPT-2/RoBERTa's pre-tokenizer: split with GPT-2's pattern, then spell each piece as its
/// UTF-8 bytes in the byte-level alphabet. Every byte keeps the span of the scalar it encodes.
struct ByteLevelPreTokenizer: PreTokenizer {
    let addPrefixSpace: Bool
    let useRegex: Bool

    func split(_ piece: NormalizedText, into pieces: inout [NormalizedText]) {
        var text = piece
        if addPrefixSpace, let first = text.scalars.first, first != " " {
            // The added space takes the first scalar's alignment, as `NormalizedString::prepend`.
            text.scalars.insert(" ", at: 0)
            text.starts.insert(text.starts[0], at: 0)
            text.ends.insert(text.ends[0], at: 0)
        }
        if useRegex {
            for range in GPT2Pattern.split(text.scalars) {
                pieces.append(Self.bytes(of: text, range))
            }
        } else if !text.isEmpty {
            pieces.append(Self.bytes(of: text, 0..<text.count))
        }
    }

    static func bytes(of text: NormalizedText, _ range: Range<Int>) -> NormalizedText {
        var result = NormalizedText()
        result.reserveCapacity(range.count + 4)
        let alphabet = ByteLevelAlphabet.byteToScalar
        for index in range {
            let start = text.starts[index]
            let end = text.ends[index]
            text.scalars[index].forEachUTF8Byte { byte in
                result.append(alphabet[Int(byte)], start: start, end: end)
            }
        }
        return result
    }
}

/// GPT-2's split pattern, matched by hand:
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
/// Alternatives are tried in order at each position, as the regex engine does.
enum GPT2Pattern {
    static func split(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(scalars.count / 4 + 1)
        var position = 0
        while position < scalars.count {
            let end = matchEnd(scalars, at: position)
            ranges.append(position..<end)
            position = end
        }
        return ranges
    }

    private enum Class { case letter, number, whitespace, other }

    private static func classify(_ scalar: Unicode.Scalar) -> Class {
        if scalar.isWhitespace { return .whitespace }
        if scalar.isLetter { return .letter }
        if scalar.isNumber { return .number }
        return .other
    }

    /// End of the match starting at `start`; always past `start`, since every scalar is in
    /// one of the classes.
    private static func matchEnd(_ s: [Unicode.Scalar], at start: Int) -> Int {
        let count = s.count
        let first = s[start]
        if first == "'", start + 1 < count {
            switch s[start + 1] {
            case "s", "t", "m", "d":
                return start + 2
            case "r", "v":
                if start + 2 < count, s[start + 2] == "e" { return start + 3 }
            case "l":
                if start + 2 < count, s[start + 2] == "l" { return start + 3 }
            default:
                break
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one class.
        let body = first == " " ? start + 1 : start
        if body < count {
            let kind = classify(s[body])
            if kind != .whitespace {
                var end = body + 1
                while end < count, classify(s[end]) == kind { end += 1 }
                return end
            }
        }
        // `\s+(?!\S)` then `\s+`.
        var end = start
        while end < count, s[end].isWhitespace { end += 1 }
        if end == count || end - start == 1 { return end }
        return end - 1
    }
}
