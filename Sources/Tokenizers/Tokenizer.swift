import Foundation
import JSON

/// A Hugging Face `tokenizer.json`, loaded once and used from any thread. `encode` gives the
/// ids, tokens and offsets Python's `Tokenizer.encode(text)` gives.
public final class Tokenizer: Sendable {
    public let addedTokens: [AddedToken]
    private let normalizer: (any Normalizer)?
    private let preTokenizer: (any PreTokenizer)?
    private let model: any TokenizationModel
    private let postProcessor: (any PostProcessor)?
    private let decoder: (any Decoder)?
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let addedByID: [Int: AddedToken]
    private let addedByContent: [String: AddedToken]

    /// Loads `path` (a tokenizer.json). Errors say which file and what is wrong with it.
    public static func load(contentsOf path: String) throws(TokenizerError) -> Tokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TokenizerError("cannot read tokenizer file \(path): \(Self.reason(error))")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw TokenizerError("\(path): \(error)")
        }
        do {
            return try Tokenizer(json: json)
        } catch {
            throw TokenizerError("\(path): \(error.message)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            let posix = POSIXErrorCode(rawValue: Int32(underlying.code)), underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(posix.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError {
            return "no such file"
        }
        return nsError.localizedDescription
    }

    public init(json: JSONValue) throws(TokenizerError) {
        guard json.objectValue != nil else { throw TokenizerError("tokenizer.json is not a JSON object") }
        normalizer = try NormalizerFactory.make(json["normalizer"] ?? .null)
        preTokenizer = try PreTokenizerFactory.make(json["pre_tokenizer"] ?? .null)
        model = try ModelFactory.make(json["model"] ?? .null)
        postProcessor = try PostProcessorFactory.make(json["post_processor"] ?? .null)
        decoder = try DecoderFactory.make(json["decoder"] ?? .null)

        var added: [AddedToken] = []
        for entry in json["added_tokens"]?.arrayValue ?? [] {
            added.append(try AddedToken(json: entry))
        }
        addedTokens = added
        var byID: [Int: AddedToken] = [:]
        var byContent: [String: AddedToken] = [:]
        for token in added {
            byID[token.id] = token
            byContent[token.content] = token
        }
        addedByID = byID
        addedByContent = byContent

        let normalizer = self.normalizer
        rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized }.map {
            AddedTokenMatcher.Pattern(scalars: Array($0.content.unicodeScalars), token: $0)
        })
        // Normalized tokens are looked for in normalized text, so their pattern is normalized too.
        normalizedMatcher = AddedTokenMatcher(added.filter { $0.normalized }.map { token in
            let text = NormalizedText(token.content.unicodeScalars)
            let pattern = normalizer?.normalize(text).scalars ?? text.scalars
            return AddedTokenMatcher.Pattern(scalars: pattern, token: token)
        })
    }

    /// Encodes `text` as `tokenizer.encode(text, add_special_tokens=...)` does, without
    /// truncation or padding.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> Encoding {
        var encoding = Encoding()
        let original = NormalizedText(text.unicodeScalars)
        var pieces: [NormalizedText] = []
        var modelTokens: [ModelToken] = []
        for (rawToken, rawRange) in rawMatcher.split(original.scalars) {
            let segment = original.slice(rawRange)
            if let rawToken {
                appendAddedToken(rawToken, segment, to: &encoding)
                continue
            }
            let normalized = normalizer?.normalize(segment) ?? segment
            for (token, range) in normalizedMatcher.split(normalized.scalars) {
                let part = normalized.slice(range)
                if let token {
                    appendAddedToken(token, part, to: &encoding)
                    continue
                }
                pieces.removeAll(keepingCapacity: true)
                if let preTokenizer {
                    preTokenizer.split(part, into: &pieces)
                } else if !part.isEmpty {
                    pieces.append(part)
                }
                for piece in pieces {
                    modelTokens.removeAll(keepingCapacity: true)
                    model.tokenize(piece, into: &modelTokens)
                    for modelToken in modelTokens {
                        encoding.append(
                            id: modelToken.id,
                            token: model.vocabulary.token(for: modelToken.id) ?? "",
                            offsets: piece.originalSpan(modelToken.range)
                        )
                    }
                }
            }
        }
        return postProcessor?.process(encoding, addSpecialTokens: addSpecialTokens) ?? encoding
    }

    /// An added token's string is the text it matched (with any stripped whitespace), as upstream.
    private func appendAddedToken(_ token: AddedToken, _ segment: NormalizedText, to encoding: inout Encoding) {
        encoding.append(id: token.id, token: segment.string, offsets: segment.originalSpan(0..<segment.count))
    }

    /// Decodes ids as `tokenizer.decode(ids, skip_special_tokens=...)`. Unknown ids are skipped.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var tokens: [String] = []
        for id in ids {
            guard let token = token(forID: id) else { continue }
            if skipSpecialTokens, let added = addedByContent[token], added.special { continue }
            tokens.append(token)
        }
        if let decoder { return decoder.decode(tokens) }
        return tokens.joined(separator: " ")
    }

    public func token(forID id: Int) -> String? {
        addedByID[id]?.content ?? model.vocabulary.token(for: id)
    }

    public func id(forToken token: String) -> Int? {
        addedByContent[token]?.id ?? model.vocabulary.id(for: token)
    }

    /// Number of ids: the model's vocabulary and any added token beyond it.
    public var vocabularySize: Int {
        max(model.vocabulary.tokens.count, (addedTokens.map(\.id).max() ?? -1) + 1)
    }

    /// True for byte-level BPE (GPT-2, RoBERTa), whose word-initial tokens start with a space;
    /// false for WordPiece, whose word-continuing tokens start with a prefix (`##`).
    public var isByteLevel: Bool { decoder is ByteLevelDecoder }

    /// The prefix WordPiece puts on tokens that continue a word (`##`), if any.
    public var continuingSubwordPrefix: String? { (decoder as? WordPieceDecoder)?.prefix }

    /// The special added token that plays the mask role (`<mask>`, `[MASK]`), if any.
    public var maskToken: AddedToken? {
        addedTokens.first { $0.special && ($0.content == "<mask>" || $0.content == "[MASK]") }
    }
}
