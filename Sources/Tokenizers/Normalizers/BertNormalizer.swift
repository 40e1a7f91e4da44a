/// BERT's normalizer: drop control characters, turn whitespace into spaces, pad CJK ideographs
/// with spaces, strip accents (by default when lowercasing) and lowercase — in that order.
struct BertNormalizer: Normalizer {
    let cleanText: Bool
    let handleChineseChars: Bool
    let stripAccents: Bool?
    let lowercase: Bool

    func normalize(_ text: NormalizedText) -> NormalizedText {
        let strip = stripAccents ?? lowercase
        var result = NormalizedText()
        result.reserveCapacity(text.count + 8)
        for index in 0..<text.count {
            let scalar = text.scalars[index]
            let start = text.starts[index]
            let end = text.ends[index]
            let emitFinal: (Unicode.Scalar) -> Void = { result.append($0, start: start, end: end) }
            let emitLowered: (Unicode.Scalar) -> Void = { scalar in
                if lowercase { UnicodeMappings.lowercase(scalar, emitFinal) } else { emitFinal(scalar) }
            }
            let emitStripped: (Unicode.Scalar) -> Void = { scalar in
                if strip {
                    UnicodeMappings.decompose(scalar) { part in
                        if !part.isBertAccent { emitLowered(part) }
                    }
                } else {
                    emitLowered(scalar)
                }
            }
            var current = scalar
            if cleanText {
                if current.isRemovedByBertCleaning { continue }
                if Self.isBertWhitespace(current) { current = " " }
            }
            if handleChineseChars && Self.isChineseCharacter(current) {
                emitStripped(" ")
                emitStripped(current)
                emitStripped(" ")
            } else {
                emitStripped(current)
            }
        }
        return result
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
