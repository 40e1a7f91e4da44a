/// BERT's normalizer: drop control characters, turn whitespace into spaces, pad CJK ideographs
/// with spaces, strip accents (by default when lowercasing) and lowercase — in that order.
struct BertNormalizer: Normalizer {
    let cleanText: Bool
    let handleChineseChars: Bool
    let stripAccents: Bool?
    let lowercase: Bool

    func normalize(_ text: NormalizedText) -> NormalizedText {
        let cleaned = cleanedText(text)
        guard stripAccents ?? lowercase else { return lowercase ? lowercased(cleaned) : cleaned }
        // NFD over the whole text (marks are reordered across scalars), then accents dropped.
        let decomposed = CanonicalDecomposition.apply(cleaned)
        var result = NormalizedText()
        result.reserveCapacity(decomposed.count)
        for index in 0..<decomposed.count where !decomposed.scalars[index].isBertAccent {
            let (start, end) = (decomposed.starts[index], decomposed.ends[index])
            if lowercase {
                UnicodeMappings.lowercase(decomposed.scalars[index]) { result.append($0, start: start, end: end) }
            } else {
                result.append(decomposed.scalars[index], start: start, end: end)
            }
        }
        return result
    }

    /// Control characters dropped, whitespace made spaces, CJK ideographs padded with spaces.
    private func cleanedText(_ text: NormalizedText) -> NormalizedText {
        var result = NormalizedText()
        result.reserveCapacity(text.count + 8)
        for index in 0..<text.count {
            var scalar = text.scalars[index]
            let (start, end) = (text.starts[index], text.ends[index])
            if cleanText {
                if scalar.isRemovedByBertCleaning { continue }
                if Self.isBertWhitespace(scalar) { scalar = " " }
            }
            if handleChineseChars && Self.isChineseCharacter(scalar) {
                result.append(" ", start: start, end: end)
                result.append(scalar, start: start, end: end)
                result.append(" ", start: start, end: end)
            } else {
                result.append(scalar, start: start, end: end)
            }
        }
        return result
    }

    private func lowercased(_ text: NormalizedText) -> NormalizedText {
        text.flatMapScalars { scalar, emit in UnicodeMappings.lowercase(scalar, emit) }
    }

    static func isBertWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x09 || scalar.value == 0x0A || scalar.value == 0x0D || scalar.isWhitespace
    }

    /// The CJK Unified Ideographs blocks BERT's original code lists (not Hangul or kana).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
