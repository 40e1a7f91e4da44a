import Dispatch
import Foundation
import Synchronization
import Inference
import Tokenizers

/// Hugging Face's `pipeline("fill-mask")`, in process: text with masks in, ranked candidates
/// for each mask out. Loaded once; `fill` may be called from any thread.
public final class FillMaskPipeline: Sendable {
    public let tokenizer: Tokenizer
    public let model: MaskedLanguageModel
    /// The model's own mask token (`<mask>`, `[MASK]`) and its id.
    public let maskToken: String
    public let maskTokenID: Int
    /// Usual spellings for an uncased model's words (nil when the folder ships none).
    public let casedForms: CasedForms?

    /// Loads `folder/tokenizer.json` and the model, the two at once (each takes tens of ms).
    public convenience init(folder: String, precision: Precision) throws(FillMaskError) {
        guard FileManager.default.fileExists(atPath: folder) else { throw FillMaskError("model folder \(folder) does not exist") }
        let tokenizerResult = Mutex<Result<Tokenizer, TokenizerError>?>(nil)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let result = Result { () throws(TokenizerError) -> Tokenizer in try Tokenizer.load(contentsOf: folder + "/tokenizer.json") }
            tokenizerResult.withLock { $0 = result }
        }
        let modelResult = Result { () throws(ModelError) -> MaskedLanguageModel in
            try MaskedLanguageModel.load(folder: folder, precision: precision)
        }
        group.wait()
        let tokenizer: Tokenizer
        switch tokenizerResult.withLock({ $0 }) {
        case .success(let loaded): tokenizer = loaded
        case .failure(let error): throw FillMaskError(error.message)
        case nil: throw FillMaskError("internal: the tokenizer did not load")
        }
        switch modelResult {
        case .success(let model): try self.init(tokenizer: tokenizer, model: model, casedForms: try CasedForms.load(folder: folder))
        case .failure(let error): throw FillMaskError(error.message)
        }
    }

    public init(tokenizer: Tokenizer, model: MaskedLanguageModel, casedForms: CasedForms? = nil) throws(FillMaskError) {
        guard let mask = tokenizer.maskToken else {
            throw FillMaskError("the tokenizer has no mask token (<mask> or [MASK])")
        }
        guard mask.id < model.config.vocabularySize else {
            throw FillMaskError("the mask token id \(mask.id) is outside the model's vocabulary (\(model.config.vocabularySize))")
        }
        self.tokenizer = tokenizer
        self.model = model
        maskToken = mask.content
        maskTokenID = mask.id
        self.casedForms = casedForms
    }

    /// A candidate word as people would write it: for an uncased model that ships a cased-form
    /// table, the usual spelling ("Paris"), capitalised at the start of a sentence. Cased
    /// models already answer in their own case; pieces that continue a word are kept.
    public func displayText(_ piece: WordPiece, startsSentence: Bool) -> String {
        guard let casedForms, !piece.joinsPrevious else { return piece.text }
        return casedForms.restore(piece.text, startsSentence: startsSentence)
    }

    /// The top `topK` candidates for every mask in `text`, masks in order. `targets` limits
    /// the candidates to those words (scores stay probabilities over the whole vocabulary).
    public func fill(_ text: String, topK: Int = 5, targets: [String]? = nil) throws(FillMaskError) -> [[FillCandidate]] {
        guard topK > 0 else { throw FillMaskError("top-k must be at least 1") }
        let spelling = MaskSpelling(text: text, modelMask: maskToken)
        let encoding = tokenizer.encode(spelling.rewritten)
        let maskPositions = encoding.ids.indices.filter { encoding.ids[$0] == maskTokenID }
        guard !maskPositions.isEmpty else {
            throw FillMaskError("no mask in the text: write \(MaskSpelling.generic)\(maskToken == MaskSpelling.generic ? "" : " or \(maskToken)") where a word should go")
        }
        let limit = model.config.maxTokens
        guard encoding.count <= limit else {
            throw FillMaskError("the text is \(encoding.count) tokens long; the model reads at most \(limit)")
        }
        let candidateIDs = try targets.map { targets throws(FillMaskError) in try targetIDs(targets) }
        let logits: [[Float]]
        do {
            logits = try model.logits(tokenIDs: encoding.ids, maskPositions: maskPositions)
        } catch {
            throw FillMaskError(error.message)
        }
        let single = maskPositions.count == 1
        return zip(maskPositions, logits).map { position, row in
            let probabilities = Softmax.probabilities(row)
            let ranked = TopK.select(probabilities, k: topK, among: candidateIDs)
            return ranked.map { id in
                let tokenString = tokenizer.decode([id])
                let sequence: String
                if single {
                    // As the pipeline: the input ids with the mask replaced, decoded without special tokens.
                    var ids = encoding.ids
                    ids[position] = id
                    sequence = tokenizer.decode(ids, skipSpecialTokens: true)
                } else {
                    sequence = Self.splice(wordPiece(tokenString), into: spelling, at: encoding.offsets[position])
                }
                return FillCandidate(score: probabilities[id], token: id, tokenString: tokenString, sequence: sequence)
            }
        }
    }

    /// Target words as the pipeline resolves them: the vocabulary entry spelled exactly so, or
    /// else the first token of the word.
    func targetIDs(_ targets: [String]) throws(FillMaskError) -> [Int] {
        var ids: [Int] = []
        for target in targets {
            if let id = tokenizer.id(forToken: target) {
                ids.append(id)
            } else if let first = tokenizer.encode(target, addSpecialTokens: false).ids.first {
                ids.append(first)
            } else {
                throw FillMaskError("target \"\(target)\" gives no token")
            }
        }
        guard !ids.isEmpty else { throw FillMaskError("no targets given") }
        var seen = Set<Int>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// A candidate as text to put in place of its mask: the word, and whether it continues
    /// the word before the mask (RoBERTa tokens without a leading space, WordPiece `##` tokens).
    public func wordPiece(_ tokenString: String) -> WordPiece {
        var scalars = Array(tokenString.unicodeScalars)
        if tokenizer.isByteLevel {
            if scalars.first == " " {
                scalars.removeFirst()
                return WordPiece(text: String(String.UnicodeScalarView(scalars)), joinsPrevious: false)
            }
            return WordPiece(text: tokenString, joinsPrevious: true)
        }
        if let prefix = tokenizer.continuingSubwordPrefix, !prefix.isEmpty, scalars.starts(with: prefix.unicodeScalars) {
            scalars.removeFirst(prefix.unicodeScalars.count)
            return WordPiece(text: String(String.UnicodeScalarView(scalars)), joinsPrevious: true)
        }
        return WordPiece(text: tokenString, joinsPrevious: false)
    }

    /// The text as written with one mask replaced by `piece`; a piece that continues the
    /// previous word also takes the whitespace before the mask, so the two join.
    static func splice(_ piece: WordPiece, into spelling: MaskSpelling, at offsets: TokenOffsets) -> String {
        let start = spelling.writtenOffset(offsets.start)
        let end = spelling.writtenOffset(offsets.end)
        let written = spelling.written
        guard start <= end, end <= written.count else { return String(String.UnicodeScalarView(written)) }
        return WrittenMasks.splice(piece.text, into: written, replacing: start..<end,
                                   joinsPrevious: piece.joinsPrevious, spacesNewWord: false)
    }
}
