import JSON

/// One token a model produced for a piece: its id and the piece scalars it covers.
struct ModelToken: Sendable, Equatable {
    var id: Int
    var range: Range<Int>
}

/// The subword model (BPE, WordPiece): turns one pre-tokenized piece into tokens.
protocol TokenizationModel: Sendable {
    var vocabulary: Vocabulary { get }
    func tokenize(_ piece: NormalizedText, into tokens: inout [ModelToken])
}

enum ModelFactory {
    static func make(_ json: JSONValue) throws(TokenizerError) -> any TokenizationModel {
        guard json.objectValue != nil else { throw .missing("model", in: "tokenizer.json") }
        // Older files omit the model's type; a merges list then means BPE.
        let type = json["type"]?.stringValue ?? (json["merges"] != nil ? "BPE" : "WordPiece")
        switch type {
        case "BPE":
            return try BPEModel(json: json)
        case "WordPiece":
            return try WordPieceModel(json: json)
        default:
            throw .unsupported("model", type: type)
        }
    }
}

/// token ↔ id, with lookups by UTF-8 bytes that do not allocate.
struct Vocabulary: Sendable {
    let table: TokenTable
    let tokens: [String?]

    init(json: JSONValue?, component: String) throws(TokenizerError) {
        guard let object = json?.objectValue else { throw .missing("vocab", in: component) }
        var table = TokenTable(capacity: object.count)
        var maxID = -1
        for member in object.members {
            guard let id = member.value.intValue, id >= 0, id < Int(Int32.max) else {
                throw TokenizerError("\(component): vocab entry \"\(member.key)\" has no valid id")
            }
            table.insert(member.key.utf8, id: id)
            maxID = max(maxID, id)
        }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for member in object.members {
            if let id = member.value.intValue, tokens[id] == nil { tokens[id] = member.key }
        }
        self.table = table
        self.tokens = tokens
    }

    func id(for token: String) -> Int? { table.lookup(token) }

    func token(for id: Int) -> String? {
        guard id >= 0, id < tokens.count else { return nil }
        return tokens[id]
    }
}
