import JSON

/// WordPiece as BERT runs it: greedy longest match from the left, continuation pieces spelled
/// with a prefix (`##`); a word with any unmatched rest, or longer than
/// `max_input_chars_per_word` scalars, becomes the single unknown token.
struct WordPieceModel: TokenizationModel {
    let vocabulary: Vocabulary
    let unknownID: Int
    let subwordPrefix: [UInt8]
    let maxInputCharsPerWord: Int

    init(json: JSONValue) throws(TokenizerError) {
        vocabulary = try Vocabulary(json: json["vocab"], component: "WordPiece model")
        let unk = json["unk_token"]?.stringValue ?? "[UNK]"
        guard let unknownID = vocabulary.id(for: unk) else {
            throw TokenizerError("WordPiece model: unk_token \"\(unk)\" is not in the vocabulary")
        }
        self.unknownID = unknownID
        subwordPrefix = Array((json["continuing_subword_prefix"]?.stringValue ?? "##").utf8)
        maxInputCharsPerWord = json["max_input_chars_per_word"]?.intValue ?? 100
    }

    func tokenize(_ piece: NormalizedText, into tokens: inout [ModelToken]) {
        if piece.isEmpty { return }
        if piece.count > maxInputCharsPerWord {
            tokens.append(ModelToken(id: unknownID, range: 0..<piece.count))
            return
        }
        // UTF-8 of the piece, and where each scalar starts in it.
        var bytes: [UInt8] = []
        var byteStarts: [Int] = []
        bytes.reserveCapacity(piece.count * 2)
        for scalar in piece.scalars {
            byteStarts.append(bytes.count)
            scalar.forEachUTF8Byte { bytes.append($0) }
        }
        byteStarts.append(bytes.count)

        var found: [ModelToken] = []
        var key: [UInt8] = []
        key.reserveCapacity(bytes.count + subwordPrefix.count)
        var start = 0
        while start < piece.count {
            var end = piece.count
            var match: Int? = nil
            while end > start {
                key.removeAll(keepingCapacity: true)
                if start > 0 { key.append(contentsOf: subwordPrefix) }
                key.append(contentsOf: bytes[byteStarts[start]..<byteStarts[end]])
                if let id = key.withUnsafeBufferPointer({ vocabulary.table.lookup($0) }) {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else {
                tokens.append(ModelToken(id: unknownID, range: 0..<piece.count))
                return
            }
            found.append(ModelToken(id: id, range: start..<end))
            start = end
        }
        tokens.append(contentsOf: found)
    }
}
