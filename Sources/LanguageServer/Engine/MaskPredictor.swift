import FillMask

/// Suggestions for masks from one loaded model: builds windows, answers from the cache, runs
/// the model on a miss. A value: take one per request, use it on any thread.
struct MaskPredictor: Sendable {
    let model: LoadedModel
    let cache: PredictionCache
    let builder: ContextWindowBuilder
    /// Suggestions kept per mask: the configured top-k, and at least 3 for code actions.
    let candidates: Int

    private func key(_ window: ContextWindow) -> PredictionCache.Key {
        PredictionCache.Key(model: model.generation, candidates: candidates, text: window.text)
    }

    /// The window's suggestions if they are cached; nil if the model must run.
    func cached(_ window: ContextWindow) -> [Suggestion]? {
        guard let perMask = cache.value(for: key(window)), perMask.indices.contains(window.targetIndex) else { return nil }
        return perMask[window.targetIndex]
    }

    /// Suggestions for the window's target mask, best first; one model run fills the cache
    /// for every mask of the window. The model runs on the window's own encoding (what
    /// `FillMaskPipeline.fill` would compute from its text, without re-encoding it or decoding a
    /// filled-in sequence per candidate, which the server does not use).
    func suggestions(for window: ContextWindow) throws(FillMaskError) -> [Suggestion] {
        if let cached = cached(window) { return cached }
        let logits: [[Float]]
        do {
            logits = try model.pipeline.model.logits(tokenIDs: window.tokenIDs, maskPositions: window.maskPositions)
        } catch {
            throw FillMaskError(error.message)
        }
        // The window spells every mask as the model's mask token.
        let sentenceStarts = CasedForms.sentenceStarts(in: window.text, maskSpellings: [model.pipeline.maskToken])
        let perMask = logits.enumerated().map { index, row in
            let startsSentence = index < sentenceStarts.count && sentenceStarts[index]
            return Suggestion.best(candidates, of: Softmax.probabilities(row), pipeline: model.pipeline, startsSentence: startsSentence)
        }
        guard perMask.indices.contains(window.targetIndex) else {
            throw FillMaskError("the model answered for \(perMask.count) masks in a window of \(window.maskRanges.count)")
        }
        cache.store(perMask, for: key(window))
        return perMask[window.targetIndex]
    }
}
