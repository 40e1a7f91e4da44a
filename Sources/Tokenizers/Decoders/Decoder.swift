import JSON

/// Turns token strings back into text.
protocol Decoder: Sendable {
    func decode(_ tokens: [String]) -> String
}

enum DecoderFactory {
    static func make(_ json: JSONValue) throws(TokenizerError) -> (any Decoder)? {
        if json.isNull { return nil }
        guard let type = json["type"]?.stringValue else { throw .missing("type", in: "decoder") }
        switch type {
        case "ByteLevel":
            return ByteLevelDecoder()
        case "WordPiece":
            return WordPieceDecoder(
                prefix: json["prefix"]?.stringValue ?? "##",
                cleanup: json["cleanup"]?.boolValue ?? true
            )
        default:
            throw .unsupported("decoder", type: type)
        }
    }
}

/// Byte-level tokens spell bytes; join them and read the bytes as UTF-8 (invalid sequences
/// become U+FFFD). A token with a scalar outside the alphabet (an added token such as
/// "<mask>" spelled in plain text) contributes its own UTF-8.
struct ByteLevelDecoder: Decoder {
    func decode(_ tokens: [String]) -> String {
        var bytes: [UInt8] = []
        let table = ByteLevelAlphabet.scalarToByte
        for token in tokens {
            var tokenBytes: [UInt8] = []
            var allMapped = true
            for scalar in token.unicodeScalars {
                guard let byte = table[scalar.value] else {
                    allMapped = false
                    break
                }
                tokenBytes.append(byte)
            }
            bytes.append(contentsOf: allMapped ? tokenBytes : Array(token.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// WordPiece: continuation pieces lose their prefix, other pieces get a space; `cleanup`
/// removes the spaces tokenization put before punctuation and inside contractions.
struct WordPieceDecoder: Decoder {
    let prefix: String
    let cleanup: Bool

    func decode(_ tokens: [String]) -> String {
        var text = ""
        for (index, token) in tokens.enumerated() {
            var piece = token
            if index != 0 {
                if !prefix.isEmpty, piece.hasScalarPrefix(prefix) {
                    piece = String(piece.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
                } else {
                    piece = " " + piece
                }
            }
            if cleanup { piece = Self.cleanUp(piece) }
            text += piece
        }
        return text
    }

    static func cleanUp(_ text: String) -> String {
        let replacements: [(String, String)] = [
            (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
            (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
        ]
        var result = text
        for (from, to) in replacements {
            result = result.replacingOccurrencesBytewise(of: from, with: to)
        }
        return result
    }
}

extension String {
    /// Replaces every non-overlapping occurrence, comparing UTF-8 bytes (not Swift's
    /// grapheme-aware equality, under which " ." would not match before a combining mark).
    func replacingOccurrencesBytewise(of target: String, with replacement: String) -> String {
        let source = Array(utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            if index + pattern.count <= source.count, source[index..<(index + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement.utf8)
                index += pattern.count
            } else {
                out.append(source[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
