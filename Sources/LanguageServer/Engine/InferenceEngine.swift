import Dispatch
import FillMask
import Inference

/// The model side of the server, safe to use from any thread: one serial queue where model
/// loads and model runs happen in order (so a request waits for a load in progress, and stale
/// work queued behind a long job can be skipped when its turn comes), the model, the cache,
/// and what the worker checks to know whether a job is still wanted.
final class InferenceEngine: Sendable {
    let queue = DispatchQueue(label: "maskfill.lsp.inference", qos: .userInitiated)
    let models = ModelHost()
    let cache = PredictionCache()
    let staleness = StalenessTracker()

    /// A predictor for the current model, or nil when none is loaded.
    func predictor(topK: Int, contextTokens: Int) -> MaskPredictor? {
        guard let model = models.current else { return nil }
        let builder = ContextWindowBuilder(pipeline: model.pipeline, tokenBudget: contextTokens)
        return MaskPredictor(model: model, cache: cache, builder: builder, candidates: max(topK, 3))
    }

    /// Loads a model on the queue; `completion` runs there with the outcome (nothing when a
    /// later load superseded this one).
    func load(path: String, precision: Precision, completion: @escaping @Sendable (Result<LoadedModel, FillMaskError>) -> Void) {
        let ticket = models.requestLoad()
        queue.async { [models] in
            if let result = models.load(ticket: ticket, path: path, precision: precision) { completion(result) }
        }
    }
}
