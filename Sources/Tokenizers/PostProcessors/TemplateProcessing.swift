import JSON

/// The single-sequence template, e.g. `[CLS] $A [SEP]`: special tokens at offsets (0, 0)
/// around the sequence.
struct TemplateProcessing: PostProcessor {
    enum Piece: Sendable {
        case special([SpecialToken])
        case sequence
    }

    let single: [Piece]

    init(single: [Piece]) {
        self.single = single
    }

    init(json: JSONValue) throws(TokenizerError) {
        guard let template = json["single"]?.arrayValue else { throw .missing("single", in: "TemplateProcessing") }
        var pieces: [Piece] = []
        for item in template {
            if item["Sequence"] != nil {
                pieces.append(.sequence)
            } else if let name = item["SpecialToken"]?["id"]?.stringValue {
                guard let special = json["special_tokens"]?[name], let ids = special["ids"]?.arrayValue,
                    let tokens = special["tokens"]?.arrayValue, ids.count == tokens.count
                else {
                    throw TokenizerError("TemplateProcessing: special token \"\(name)\" is not defined")
                }
                var specials: [SpecialToken] = []
                for (id, token) in zip(ids, tokens) {
                    guard let id = id.intValue, let token = token.stringValue else {
                        throw TokenizerError("TemplateProcessing: special token \"\(name)\" has invalid ids or tokens")
                    }
                    specials.append(SpecialToken(token: token, id: id))
                }
                pieces.append(.special(specials))
            } else {
                throw TokenizerError("TemplateProcessing: unknown template piece \(item.serialized())")
            }
        }
        single = pieces
    }

    func process(_ encoding: Encoding, addSpecialTokens: Bool) -> Encoding {
        guard addSpecialTokens else { return encoding }
        var result = Encoding()
        for piece in single {
            switch piece {
            case .sequence:
                for index in 0..<encoding.count {
                    result.append(id: encoding.ids[index], token: encoding.tokens[index], offsets: encoding.offsets[index], special: encoding.isSpecial[index])
                }
            case .special(let tokens):
                for token in tokens {
                    result.append(id: token.id, token: token.token, offsets: TokenOffsets(0, 0), special: true)
                }
            }
        }
        return result
    }
}
