/// The inputs of int8 products that activation smoothing can rescale: LayerNorm outputs, which
/// in BERT and RoBERTa are also the residual stream, so the rescaling cannot be folded into the
/// LayerNorm's own weights and is applied when the input is rounded instead.
enum SmoothingSite: Hashable, Sendable {
    /// The input of layer N's query, key and value.
    case attentionInput(layer: Int)
    /// The input of layer N's first feed-forward product (`intermediate.dense`).
    case feedForwardInput(layer: Int)
    /// The input of the masked-LM head's dense layer (the encoder's output).
    case headInput
}

/// The largest |value| of each channel at each smoothing site, over calibration sequences run
/// through the fp32 model.
struct ActivationRanges {
    private(set) var maxima: [SmoothingSite: [Float]] = [:]
    private(set) var sequences = 0

    /// Runs every sequence (token ids, special tokens included) through `model` in full.
    static func measure(_ model: MaskedLanguageModel, sequences: [[Int]],
                        progress: ((Int, Int) -> Void)? = nil) throws(ModelError) -> ActivationRanges {
        let recorder = Recorder()
        for (index, ids) in sequences.enumerated() {
            defer { progress?(index + 1, sequences.count) }
            guard !ids.isEmpty else { continue }
            guard ids.count <= model.config.maxTokens else {
                throw ModelError("a calibration sequence has \(ids.count) tokens; the model takes at most \(model.config.maxTokens)")
            }
            if let id = ids.first(where: { $0 < 0 || $0 >= model.config.vocabularySize }) {
                throw ModelError("calibration token id \(id) is outside the vocabulary (size \(model.config.vocabularySize))")
            }
            // Every row is an output row, so the last layer's feed-forward sees them all.
            var encoder = EncoderForward(model: model)
            encoder.observe = recorder.record
            let hidden = encoder.run(tokenIDs: ids, outputRows: Array(ids.indices))
            var head = HeadForward(model: model)
            head.observe = recorder.record
            _ = head.run(hidden)
            recorder.ranges.sequences += 1
        }
        return recorder.ranges
    }

    mutating func record(_ site: SmoothingSite, _ x: Matrix) {
        var current = maxima[site] ?? [Float](repeating: 0, count: x.columns)
        for row in 0..<x.rows {
            for column in 0..<min(x.columns, current.count) {
                let magnitude = abs(x.values[row * x.columns + column])
                if magnitude > current[column] { current[column] = magnitude }
            }
        }
        maxima[site] = current
    }

    /// The forward passes call back into this while they run (single-threaded: one sequence at a time).
    private final class Recorder {
        var ranges = ActivationRanges()
        func record(_ site: SmoothingSite, _ x: Matrix) { ranges.record(site, x) }
    }
}
