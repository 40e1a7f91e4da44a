import JSON
import Synchronization

/// Byte-pair encoding as `tokenizers` runs it: start from single scalars, then repeatedly merge
/// the adjacent pair with the lowest merge rank (leftmost first) until no pair has a merge.
/// Results are cached per piece, since text repeats words.
final class BPEModel: TokenizationModel {
    let vocabulary: Vocabulary
    private let merges: [UInt64: Merge]
    private let scalarIDs: [UInt32: Int32]
    private let unknownID: Int?
    private let fuseUnknown: Bool
    private let byteFallback: Bool
    private let subwordPrefix: String
    private let wordSuffix: String
    private let cache = Mutex<[[Unicode.Scalar]: [ModelToken]]>([:])
    private static let cacheLimit = 50_000

    struct Merge: Sendable {
        var rank: Int32
        var id: Int32
    }

    init(json: JSONValue) throws(TokenizerError) {
        let vocabulary = try Vocabulary(json: json["vocab"], component: "BPE model")
        self.vocabulary = vocabulary
        if let dropout = json["dropout"]?.doubleValue, dropout > 0 {
            throw TokenizerError("BPE model: dropout \(dropout) is not supported (encoding must be deterministic)")
        }
        subwordPrefix = json["continuing_subword_prefix"]?.stringValue ?? ""
        wordSuffix = json["end_of_word_suffix"]?.stringValue ?? ""
        fuseUnknown = json["fuse_unk"]?.boolValue ?? false
        byteFallback = json["byte_fallback"]?.boolValue ?? false
        if let unk = json["unk_token"]?.stringValue {
            guard let id = vocabulary.id(for: unk) else {
                throw TokenizerError("BPE model: unk_token \"\(unk)\" is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        guard let mergeList = json["merges"]?.arrayValue else { throw .missing("merges", in: "BPE model") }
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        let prefixBytes = Array(subwordPrefix.utf8)
        var mergedBytes: [UInt8] = []
        for (rank, entry) in mergeList.enumerated() {
            let pair: (String, String)
            if let text = entry.stringValue {
                // Older format: "left right".
                let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw TokenizerError("BPE model: merge \(rank) \"\(text)\" is not a pair") }
                pair = (String(parts[0]), String(parts[1]))
            } else if let items = entry.arrayValue, items.count == 2, let left = items[0].stringValue,
                let right = items[1].stringValue
            {
                pair = (left, right)
            } else {
                throw TokenizerError("BPE model: merge \(rank) is not a pair of strings")
            }
            guard let leftID = vocabulary.id(for: pair.0), let rightID = vocabulary.id(for: pair.1) else {
                throw TokenizerError("BPE model: merge \(rank) uses a token missing from the vocabulary")
            }
            // The merged token is left + right, less right's continuation prefix.
            mergedBytes.removeAll(keepingCapacity: true)
            mergedBytes.append(contentsOf: pair.0.utf8)
            let rightBytes = Array(pair.1.utf8)
            let skip = !prefixBytes.isEmpty && rightBytes.starts(with: prefixBytes) ? prefixBytes.count : 0
            mergedBytes.append(contentsOf: rightBytes[skip...])
            guard let mergedID = mergedBytes.withUnsafeBufferPointer({ vocabulary.table.lookup($0) }) else {
                let merged = String(decoding: mergedBytes, as: UTF8.self)
                throw TokenizerError("BPE model: merge \(rank) makes \"\(merged)\", which is missing from the vocabulary")
            }
            let key = Self.pairKey(Int32(leftID), Int32(rightID))
            if merges[key] == nil {
                merges[key] = Merge(rank: Int32(rank), id: Int32(mergedID))
            }
        }
        self.merges = merges
        var scalarIDs: [UInt32: Int32] = [:]
        for (id, token) in vocabulary.tokens.enumerated() {
            guard let token else { continue }
            guard token.utf8.count <= 4 else { continue }
            var scalars = token.unicodeScalars.makeIterator()
            if let scalar = scalars.next(), scalars.next() == nil { scalarIDs[scalar.value] = Int32(id) }
        }
        self.scalarIDs = scalarIDs
    }

    private static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    func tokenize(_ piece: NormalizedText, into tokens: inout [ModelToken]) {
        if piece.isEmpty { return }
        if let cached = cache.withLock({ $0[piece.scalars] }) {
            tokens.append(contentsOf: cached)
            return
        }
        let result = encodeWord(piece.scalars)
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[piece.scalars] = result
        }
        tokens.append(contentsOf: result)
    }

    private func initialID(_ scalars: [Unicode.Scalar], _ index: Int) -> Int? {
        if subwordPrefix.isEmpty && wordSuffix.isEmpty {
            return scalarIDs[scalars[index].value].map(Int.init)
        }
        var text = index > 0 ? subwordPrefix : ""
        text.unicodeScalars.append(scalars[index])
        if index == scalars.count - 1 { text += wordSuffix }
        return vocabulary.id(for: text)
    }

    private func encodeWord(_ scalars: [Unicode.Scalar]) -> [ModelToken] {
        var symbols: [ModelToken] = []
        symbols.reserveCapacity(scalars.count)
        var previousWasUnknown = false
        for index in scalars.indices {
            if let id = initialID(scalars, index) {
                symbols.append(ModelToken(id: id, range: index..<(index + 1)))
                previousWasUnknown = false
                continue
            }
            if byteFallback, let byteIDs = byteFallbackIDs(scalars[index]) {
                for id in byteIDs { symbols.append(ModelToken(id: id, range: index..<(index + 1))) }
                previousWasUnknown = false
                continue
            }
            guard let unknownID else { continue }  // no unk token: the scalar is dropped, as upstream
            if fuseUnknown, previousWasUnknown, let last = symbols.indices.last {
                symbols[last].range = symbols[last].range.lowerBound..<(index + 1)
            } else {
                symbols.append(ModelToken(id: unknownID, range: index..<(index + 1)))
            }
            previousWasUnknown = true
        }
        while symbols.count > 1 {
            var best: (position: Int, merge: Merge)? = nil
            for position in 0..<(symbols.count - 1) {
                let key = Self.pairKey(Int32(symbols[position].id), Int32(symbols[position + 1].id))
                if let merge = merges[key], merge.rank < (best?.merge.rank ?? .max) {
                    best = (position, merge)
                }
            }
            guard let best else { break }
            let left = symbols[best.position]
            let right = symbols[best.position + 1]
            symbols[best.position] = ModelToken(id: Int(best.merge.id), range: left.range.lowerBound..<right.range.upperBound)
            symbols.remove(at: best.position + 1)
        }
        return symbols
    }

    private func byteFallbackIDs(_ scalar: Unicode.Scalar) -> [Int]? {
        var ids: [Int] = []
        var missing = false
        scalar.forEachUTF8Byte { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            let name = "<0x" + (hex.count == 1 ? "0" : "") + hex + ">"
            if let id = vocabulary.id(for: name) { ids.append(id) } else { missing = true }
        }
        return missing ? nil : ids
    }
}
