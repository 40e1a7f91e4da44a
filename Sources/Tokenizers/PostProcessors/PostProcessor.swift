import JSON

/// Adds the model's special tokens around a sequence (`<s> … </s>`, `[CLS] … [SEP]`) and, for
/// byte-level tokenizers, trims the spaces out of token offsets.
protocol PostProcessor: Sendable {
    func process(_ encoding: Encoding, addSpecialTokens: Bool) -> Encoding
}

enum PostProcessorFactory {
    static func make(_ json: JSONValue) throws(TokenizerError) -> (any PostProcessor)? {
        if json.isNull { return nil }
        guard let type = json["type"]?.stringValue else { throw .missing("type", in: "post_processor") }
        switch type {
        case "RobertaProcessing":
            return RobertaProcessing(
                classifier: try specialToken(json["cls"], field: "cls", in: type),
                separator: try specialToken(json["sep"], field: "sep", in: type),
                trimOffsets: json["trim_offsets"]?.boolValue ?? true,
                addPrefixSpace: json["add_prefix_space"]?.boolValue ?? true
            )
        case "BertProcessing":
            return TemplateProcessing(single: [
                .special([try specialToken(json["cls"], field: "cls", in: type)]),
                .sequence,
                .special([try specialToken(json["sep"], field: "sep", in: type)]),
            ])
        case "TemplateProcessing":
            return try TemplateProcessing(json: json)
        case "ByteLevel":
            return ByteLevelOffsetTrimming(trimOffsets: json["trim_offsets"]?.boolValue ?? true)
        case "Sequence":
            guard let items = json["processors"]?.arrayValue else {
                throw .missing("processors", in: "Sequence post_processor")
            }
            var parts: [any PostProcessor] = []
            for item in items {
                if let part = try make(item) { parts.append(part) }
            }
            return SequencePostProcessor(parts: parts)
        default:
            throw .unsupported("post_processor", type: type)
        }
    }

    /// `["</s>", 2]` as the JSON writes it.
    static func specialToken(_ json: JSONValue?, field: String, in type: String) throws(TokenizerError) -> SpecialToken {
        guard let pair = json?.arrayValue, pair.count == 2, let token = pair[0].stringValue, let id = pair[1].intValue else {
            throw .missing(field, in: type)
        }
        return SpecialToken(token: token, id: id)
    }
}

struct SpecialToken: Sendable {
    var token: String
    var id: Int
}

struct SequencePostProcessor: PostProcessor {
    let parts: [any PostProcessor]

    func process(_ encoding: Encoding, addSpecialTokens: Bool) -> Encoding {
        parts.reduce(encoding) { $1.process($0, addSpecialTokens: addSpecialTokens) }
    }
}
