import Foundation

/// A BERT or RoBERTa encoder with its masked-LM head, loaded from a Hugging Face folder
/// (`config.json` + `model.safetensors` in F32/F16/BF16) or a folder written by
/// `maskfill quantize` (int8, memory-mapped as is). Immutable once loaded; `logits` may be
/// called from any thread.
public final class MaskedLanguageModel: Sendable {
    public let config: ModelConfig
    public let precision: Precision
    let embeddings: EmbeddingWeights
    let layers: [EncoderLayerWeights]
    let head: MaskedLMHeadWeights

    /// Loads `folder/config.json` and `folder/model.safetensors`. `packWeights: false` keeps
    /// int8 weights in their row-major layout (for `quantize`, which writes them out again).
    public static func load(folder: String, precision: Precision, packWeights: Bool = true) throws(ModelError) -> MaskedLanguageModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError("model folder \(folder) does not exist")
        }
        let config = try ModelConfig.load(contentsOf: folder + "/config.json")
        let weightsPath = folder + "/model.safetensors"
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            if FileManager.default.fileExists(atPath: folder + "/pytorch_model.bin") {
                throw ModelError("\(folder) has only pytorch_model.bin; MaskFill reads model.safetensors (save the model with safe_serialization=True)")
            }
            throw ModelError("\(weightsPath) does not exist")
        }
        let file = try SafeTensorsFile(path: weightsPath)
        return try MaskedLanguageModel(config: config, file: file, precision: precision, packWeights: packWeights)
    }

    init(config: ModelConfig, file: SafeTensorsFile, precision: Precision, packWeights: Bool) throws(ModelError) {
        self.config = config
        self.precision = precision
        let names = WeightNames(family: config.family, available: Set(file.tensors.keys))
        var loader = WeightLoader(file: file, precision: precision, packLinearWeights: packWeights && precision == .int8)
        let hidden = config.hiddenSize
        // Packed too: the decoder's product then runs on the fast kernel, and embedding rows
        // are read from the packed layout (one copy of the biggest matrix in memory).
        let words = try loader.packableMatrix(names.wordEmbeddings, rows: config.vocabularySize, columns: hidden)
        let positions = try loader.floats(names.positionEmbeddings, count: config.maxPositions * hidden)
        // Inputs are single sequences: only row 0 of the token-type table is used (and kept
        // by `quantize`). Models without token types add nothing.
        let tokenType = loader.has(names.tokenTypeEmbeddings)
            ? try loader.firstRow(names.tokenTypeEmbeddings, columns: hidden)
            : FloatBuffer(count: hidden)
        embeddings = EmbeddingWeights(
            words: words, positions: positions, tokenType: tokenType,
            norm: try loader.layerNorm(names.embeddingNorm, size: hidden)
        )
        var layers: [EncoderLayerWeights] = []
        for index in 0..<config.layerCount {
            func part(_ name: String) -> String { names.layer(index, name) }
            let inner = config.intermediateSize
            let projections = LinearLayer.sharingInputScale([
                try loader.linear(part("attention.self.query"), outputs: hidden, inputs: hidden),
                try loader.linear(part("attention.self.key"), outputs: hidden, inputs: hidden),
                try loader.linear(part("attention.self.value"), outputs: hidden, inputs: hidden),
            ])
            layers.append(EncoderLayerWeights(
                query: projections[0],
                key: projections[1],
                value: projections[2],
                attentionOutput: try loader.linear(part("attention.output.dense"), outputs: hidden, inputs: hidden),
                attentionNorm: try loader.layerNorm(part("attention.output.LayerNorm"), size: hidden),
                intermediate: try loader.linear(part("intermediate.dense"), outputs: inner, inputs: hidden),
                output: try loader.linear(part("output.dense"), outputs: hidden, inputs: inner),
                outputNorm: try loader.layerNorm(part("output.LayerNorm"), size: hidden)
            ))
        }
        self.layers = layers
        let decoderIsTied = !loader.has(names.decoderWeight)
        let decoder = decoderIsTied ? words : try loader.packableMatrix(names.decoderWeight, rows: config.vocabularySize, columns: hidden)
        let biasName = names.decoderBiases.first(where: loader.has) ?? names.decoderBiases[0]
        head = MaskedLMHeadWeights(
            dense: try loader.linear(names.headDense, outputs: hidden, inputs: hidden),
            norm: try loader.layerNorm(names.headNorm, size: hidden),
            decoder: decoder,
            decoderIsTied: decoderIsTied,
            bias: try loader.floats(biasName, count: config.vocabularySize)
        )
        if !loader.missing.isEmpty {
            let listed = loader.missing.prefix(8).joined(separator: ", ")
            let more = loader.missing.count > 8 ? " and \(loader.missing.count - 8) more" : ""
            throw ModelError("\(file.path) is missing tensors: \(listed)\(more)")
        }
    }

    /// A model from parts already built (`Int8Export` makes its smoothed int8 model this way).
    init(config: ModelConfig, precision: Precision, embeddings: EmbeddingWeights, layers: [EncoderLayerWeights],
         head: MaskedLMHeadWeights) {
        self.config = config
        self.precision = precision
        self.embeddings = embeddings
        self.layers = layers
        self.head = head
    }

    /// Logits over the vocabulary at each of `maskPositions` (indices into `tokenIDs`).
    public func logits(tokenIDs: [Int], maskPositions: [Int]) throws(ModelError) -> [[Float]] {
        guard !tokenIDs.isEmpty else { throw ModelError("no tokens to run") }
        guard tokenIDs.count <= config.maxTokens else {
            throw ModelError("\(tokenIDs.count) tokens is more than the model's maximum of \(config.maxTokens)")
        }
        for id in tokenIDs where id < 0 || id >= config.vocabularySize {
            throw ModelError("token id \(id) is outside the vocabulary (size \(config.vocabularySize))")
        }
        for position in maskPositions where position < 0 || position >= tokenIDs.count {
            throw ModelError("mask position \(position) is outside the \(tokenIDs.count) tokens")
        }
        if maskPositions.isEmpty { return [] }
        let hidden = EncoderForward(model: self).run(tokenIDs: tokenIDs, outputRows: maskPositions)
        let logits = HeadForward(model: self).run(hidden)
        return (0..<logits.rows).map { Array(logits.row($0)) }
    }
}
