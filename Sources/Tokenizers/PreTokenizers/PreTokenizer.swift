import JSON

/// Splits normalized text into the pieces the model encodes one by one (words, roughly).
protocol PreTokenizer: Sendable {
    func split(_ piece: NormalizedText, into pieces: inout [NormalizedText])
}

enum PreTokenizerFactory {
    static func make(_ json: JSONValue) throws(TokenizerError) -> (any PreTokenizer)? {
        if json.isNull { return nil }
        guard let type = json["type"]?.stringValue else { throw .missing("type", in: "pre_tokenizer") }
        switch type {
        case "ByteLevel":
            return ByteLevelPreTokenizer(
                addPrefixSpace: json["add_prefix_space"]?.boolValue ?? true,
                useRegex: json["use_regex"]?.boolValue ?? true
            )
        case "BertPreTokenizer":
            return BertPreTokenizer()
        case "Sequence":
            guard let items = json["pretokenizers"]?.arrayValue else {
                throw .missing("pretokenizers", in: "Sequence pre_tokenizer")
            }
            var parts: [any PreTokenizer] = []
            for item in items {
                if let part = try make(item) { parts.append(part) }
            }
            return SequencePreTokenizer(parts: parts)
        default:
            throw .unsupported("pre_tokenizer", type: type)
        }
    }
}

struct SequencePreTokenizer: PreTokenizer {
    let parts: [any PreTokenizer]

    func split(_ piece: NormalizedText, into pieces: inout [NormalizedText]) {
        var current = [piece]
        for part in parts {
            var next: [NormalizedText] = []
            for item in current { part.split(item, into: &next) }
            current = next
        }
        pieces.append(contentsOf: current)
    }
}
