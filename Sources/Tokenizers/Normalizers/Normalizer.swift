import JSON

/// Rewrites text before splitting, keeping every scalar aligned with its source span.
protocol Normalizer: Sendable {
    func normalize(_ text: NormalizedText) -> NormalizedText
}

enum NormalizerFactory {
    static func make(_ json: JSONValue) throws(TokenizerError) -> (any Normalizer)? {
        if json.isNull { return nil }
        guard let type = json["type"]?.stringValue else { throw .missing("type", in: "normalizer") }
        switch type {
        case "BertNormalizer":
            return BertNormalizer(
                cleanText: json["clean_text"]?.boolValue ?? true,
                handleChineseChars: json["handle_chinese_chars"]?.boolValue ?? true,
                stripAccents: json["strip_accents"]?.boolValue,
                lowercase: json["lowercase"]?.boolValue ?? true
            )
        case "Lowercase":
            return LowercaseNormalizer()
        case "StripAccents":
            return StripAccentsNormalizer()
        case "NFD":
            return NFDNormalizer()
        case "Sequence":
            guard let items = json["normalizers"]?.arrayValue else { throw .missing("normalizers", in: "Sequence normalizer") }
            var parts: [any Normalizer] = []
            for item in items {
                if let part = try make(item) { parts.append(part) }
            }
            return SequenceNormalizer(parts: parts)
        default:
            throw .unsupported("normalizer", type: type)
        }
    }
}

/// Maps each scalar to zero or more scalars, all aligned with the source scalar's span.
extension NormalizedText {
    func flatMapScalars(_ transform: (Unicode.Scalar, (Unicode.Scalar) -> Void) -> Void) -> NormalizedText {
        var result = NormalizedText()
        result.reserveCapacity(count)
        for index in 0..<count {
            let start = starts[index]
            let end = ends[index]
            transform(scalars[index]) { result.append($0, start: start, end: end) }
        }
        return result
    }
}

struct SequenceNormalizer: Normalizer {
    let parts: [any Normalizer]

    func normalize(_ text: NormalizedText) -> NormalizedText {
        parts.reduce(text) { $1.normalize($0) }
    }
}

struct LowercaseNormalizer: Normalizer {
    func normalize(_ text: NormalizedText) -> NormalizedText {
        text.flatMapScalars { scalar, emit in UnicodeMappings.lowercase(scalar, emit) }
    }
}

struct StripAccentsNormalizer: Normalizer {
    func normalize(_ text: NormalizedText) -> NormalizedText {
        text.flatMapScalars { scalar, emit in
            if !scalar.isCombiningMark { emit(scalar) }
        }
    }
}

struct NFDNormalizer: Normalizer {
    func normalize(_ text: NormalizedText) -> NormalizedText {
        CanonicalDecomposition.apply(text)
    }
}
