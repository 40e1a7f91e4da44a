/// Hugging Face parameter names for BERT and RoBERTa masked LMs. Encoder names may carry the
/// model's prefix (`roberta.`, `bert.`) or not, depending on how the checkpoint was saved.
struct WeightNames {
    let family: ModelConfig.Family
    /// "roberta.", "bert." or "" — whichever the file uses.
    let encoderPrefix: String

    init(family: ModelConfig.Family, prefix: String) {
        self.family = family
        encoderPrefix = prefix
    }

    init(family: ModelConfig.Family, available: Set<String>) {
        self.family = family
        let prefixed = (family == .roberta ? "roberta." : "bert.")
        encoderPrefix = available.contains(prefixed + "embeddings.word_embeddings.weight") ? prefixed : ""
    }

    var wordEmbeddings: String { encoderPrefix + "embeddings.word_embeddings.weight" }
    var positionEmbeddings: String { encoderPrefix + "embeddings.position_embeddings.weight" }
    var tokenTypeEmbeddings: String { encoderPrefix + "embeddings.token_type_embeddings.weight" }
    var embeddingNorm: String { encoderPrefix + "embeddings.LayerNorm" }

    func layer(_ index: Int, _ part: String) -> String {
        encoderPrefix + "encoder.layer.\(index)." + part
    }

    var headDense: String { family == .roberta ? "lm_head.dense" : "cls.predictions.transform.dense" }
    var headNorm: String { family == .roberta ? "lm_head.layer_norm" : "cls.predictions.transform.LayerNorm" }
    var decoderWeight: String { family == .roberta ? "lm_head.decoder.weight" : "cls.predictions.decoder.weight" }
    /// The decoder bias under its two spellings, preferred first.
    var decoderBiases: [String] {
        family == .roberta ? ["lm_head.bias", "lm_head.decoder.bias"] : ["cls.predictions.bias", "cls.predictions.decoder.bias"]
    }
}
