import Foundation

/// Activation smoothing for `maskfill quantize --calibration` (SmoothQuant, Xiao et al. 2023).
/// A few channels of a LayerNorm output carry values far larger than the rest, and since each
/// token row is rounded to 8 bits with one step, they make the step coarse for every other
/// channel. For each input channel j of a product reading such an output,
///     s_j = max|x_j|^α / max|W[:, j]|^(1−α)
/// moves part of the range into the weights: the stored columns are W[:, j] · s_j and the input
/// is multiplied by 1/s_j (`LinearLayer.inputScale`) before rounding, so x Wᵀ is unchanged.
/// max|x_j| comes from running calibration text through the fp32 model.
public struct ActivationSmoothing: Sendable {
    /// Token-id sequences (special tokens included) to measure the activations on.
    public var calibration: [[Int]]
    /// SmoothQuant's migration strength: at 1 every channel's activations are scaled to a
    /// largest value of 1, at 0 every weight column is; 0.5 meets halfway.
    public var alpha: Float
    /// Called after each calibration sequence with (done, total): a large checkpoint takes
    /// seconds per sequence.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(calibration: [[Int]], alpha: Float = 0.5, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.calibration = calibration
        self.alpha = alpha
        self.progress = progress
    }

    /// How config.json describes the smoothing.
    func describe(sequences: Int) -> String {
        "per-channel input scales (X.input_scale F32; SmoothQuant, alpha \(alpha)) on query/key/value, "
            + "intermediate.dense and the head's dense layer, from \(sequences) calibration sequences"
    }

    /// The int8 model (row-major weights) of an fp32 `model`, with the LayerNorm-output products
    /// smoothed. Returns it with the number of calibration sequences that were run.
    func quantize(_ model: MaskedLanguageModel) throws(ModelError) -> (model: MaskedLanguageModel, sequences: Int) {
        guard alpha >= 0, alpha <= 1 else { throw ModelError("the smoothing alpha must be between 0 and 1 (got \(alpha))") }
        let ranges = try ActivationRanges.measure(model, sequences: calibration, progress: progress)
        guard ranges.sequences > 0 else { throw ModelError("no calibration text: every sequence was empty") }
        func site(_ key: SmoothingSite) throws(ModelError) -> [Float] {
            guard let maxima = ranges.maxima[key] else { throw ModelError("internal: no activations recorded at \(key)") }
            return maxima
        }
        var layers: [EncoderLayerWeights] = []
        for (index, layer) in model.layers.enumerated() {
            let attention = try factors(activations: try site(.attentionInput(layer: index)), [layer.query, layer.key, layer.value])
            let feedForward = try factors(activations: try site(.feedForwardInput(layer: index)), [layer.intermediate])
            // One factor buffer for all three, so that one set of codes serves them.
            layers.append(EncoderLayerWeights(
                query: try Self.int8(layer.query, smoothing: attention),
                key: try Self.int8(layer.key, smoothing: attention),
                value: try Self.int8(layer.value, smoothing: attention),
                attentionOutput: try Self.int8(layer.attentionOutput, smoothing: nil),
                attentionNorm: layer.attentionNorm,
                intermediate: try Self.int8(layer.intermediate, smoothing: feedForward),
                output: try Self.int8(layer.output, smoothing: nil),
                outputNorm: layer.outputNorm))
        }
        let words = try Self.int8(model.embeddings.words)
        let headFactors = try factors(activations: try site(.headInput), [model.head.dense])
        let head = MaskedLMHeadWeights(
            dense: try Self.int8(model.head.dense, smoothing: headFactors),
            norm: model.head.norm,
            decoder: model.head.decoderIsTied ? words : try Self.int8(model.head.decoder),
            decoderIsTied: model.head.decoderIsTied,
            bias: model.head.bias)
        let embeddings = EmbeddingWeights(words: words, positions: model.embeddings.positions,
                                          tokenType: model.embeddings.tokenType, norm: model.embeddings.norm)
        let quantized = MaskedLanguageModel(config: model.config, precision: .int8, embeddings: embeddings, layers: layers, head: head)
        return (quantized, ranges.sequences)
    }

    /// The input multipliers 1/s_j for the products `layers`, which all read the same input.
    func factors(activations: [Float], _ layers: [LinearLayer]) throws(ModelError) -> FloatBuffer {
        var weightMaxima = [Float](repeating: 0, count: activations.count)
        for layer in layers {
            guard case .float(let weight, let rows, let columns) = layer.weights, columns == activations.count else {
                throw ModelError("internal: smoothing needs float weights of \(activations.count) columns")
            }
            for row in 0..<rows {
                for column in 0..<columns {
                    weightMaxima[column] = max(weightMaxima[column], abs(weight.pointer[row * columns + column]))
                }
            }
        }
        let multipliers = FloatBuffer(count: activations.count)
        for (column, (a, w)) in zip(activations, weightMaxima).enumerated() {
            // A channel that never moved, or has no weight, keeps its scale.
            var s: Float = 1
            if a > 0, w > 0 {
                s = powf(a, alpha) / powf(w, 1 - alpha)
                if !s.isFinite || s <= 0 { s = 1 }
                s = min(max(s, 1e-5), 1e5)
            }
            multipliers.mutablePointer[column] = 1 / s
        }
        return multipliers
    }

    /// `layer` in int8; with `smoothing` (the input multipliers), its columns are divided by them first.
    static func int8(_ layer: LinearLayer, smoothing: FloatBuffer?) throws(ModelError) -> LinearLayer {
        guard let smoothing else { return LinearLayer(weights: try int8(layer.weights), bias: layer.bias) }
        let columnScale = FloatBuffer(count: smoothing.count)
        for index in 0..<smoothing.count { columnScale.mutablePointer[index] = 1 / smoothing.pointer[index] }
        return LinearLayer(weights: try int8(layer.weights.scalingColumns(by: columnScale)), bias: layer.bias, inputScale: smoothing)
    }

    static func int8(_ weights: WeightMatrix) throws(ModelError) -> WeightMatrix {
        guard case .float(let values, let rows, let columns) = weights else {
            throw ModelError("internal: only float weights are quantized here")
        }
        return WeightQuantizer.quantize(values, rows: rows, columns: columns)
    }
}
