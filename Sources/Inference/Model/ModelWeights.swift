/// The encoder's weights, in the precision they run in.
struct LayerNormWeights: Sendable {
    let gamma: FloatBuffer
    let beta: FloatBuffer
}

struct EncoderLayerWeights: Sendable {
    let query: LinearLayer
    let key: LinearLayer
    let value: LinearLayer
    let attentionOutput: LinearLayer
    let attentionNorm: LayerNormWeights
    let intermediate: LinearLayer
    let output: LinearLayer
    let outputNorm: LayerNormWeights
}

struct EmbeddingWeights: Sendable {
    /// [vocab × hidden]; also the MLM decoder (tied weights).
    let words: WeightMatrix
    let positions: FloatBuffer
    /// Row 0 of the token-type table: inputs are single sequences.
    let tokenType: FloatBuffer
    let norm: LayerNormWeights
}

struct MaskedLMHeadWeights: Sendable {
    let dense: LinearLayer
    let norm: LayerNormWeights
    /// [vocab × hidden]: the word embeddings unless the checkpoint stores its own decoder.
    let decoder: WeightMatrix
    /// True when the decoder is the word-embedding matrix (not stored on its own).
    let decoderIsTied: Bool
    let bias: FloatBuffer
}

/// Which arithmetic the matrix products use.
public enum Precision: String, Sendable, CaseIterable {
    case int8, fp32
}
