/// `<s> … </s>` around the sequence, after trimming spaces out of token offsets.
struct RobertaProcessing: PostProcessor {
    let classifier: SpecialToken
    let separator: SpecialToken
    let trimOffsets: Bool
    let addPrefixSpace: Bool

    func process(_ encoding: Encoding, addSpecialTokens: Bool) -> Encoding {
        var trimmed = encoding
        if trimOffsets {
            ByteLevelOffsetTrimming.trim(&trimmed, addPrefixSpace: addPrefixSpace)
        }
        guard addSpecialTokens else { return trimmed }
        var result = Encoding()
        result.append(id: classifier.id, token: classifier.token, offsets: TokenOffsets(0, 0), special: true)
        for index in 0..<trimmed.count {
            result.append(id: trimmed.ids[index], token: trimmed.tokens[index], offsets: trimmed.offsets[index], special: trimmed.isSpecial[index])
        }
        result.append(id: separator.id, token: separator.token, offsets: TokenOffsets(0, 0), special: true)
        return result
    }
}

/// The ByteLevel post-processor: offsets lose the leading and trailing spaces (`Ġ`) their
/// token spells, so that " movie" points at "movie".
struct ByteLevelOffsetTrimming: PostProcessor {
    let trimOffsets: Bool

    func process(_ encoding: Encoding, addSpecialTokens: Bool) -> Encoding {
        guard trimOffsets else { return encoding }
        var trimmed = encoding
        Self.trim(&trimmed, addPrefixSpace: true)
        return trimmed
    }

    static func trim(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        let spaceScalar = ByteLevelAlphabet.byteToScalar[0x20]
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == spaceScalar || $0.isWhitespace }
        for index in 0..<encoding.count {
            let scalars = encoding.tokens[index].unicodeScalars
            var leading = 0
            for scalar in scalars {
                guard isSpace(scalar) else { break }
                leading += 1
            }
            var trailing = 0
            for scalar in scalars.reversed() {
                guard isSpace(scalar) else { break }
                trailing += 1
            }
            guard leading > 0 || trailing > 0 else { continue }
            var offsets = encoding.offsets[index]
            if leading > 0 {
                let isFirst = index == 0 || offsets.start == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                offsets.start = min(offsets.start + leading, offsets.end)
            }
            if trailing > 0 && offsets.end >= trailing {
                offsets.end = max(offsets.end - trailing, offsets.start)
            }
            encoding.offsets[index] = offsets
        }
    }
}
