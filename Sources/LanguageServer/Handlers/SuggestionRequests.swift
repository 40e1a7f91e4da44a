import FillMask
extension LanguageServer {
    /// Gets the suggestions for one mask and passes them to `answer`. From the cache, at once,
    /// on the loop; otherwise on the inference queue, where the job first checks that it is
    /// still wanted: a cancelled request answers -32800, a stale one (`isWanted` false: the
    /// document changed, or a newer completion came) calls `stale`, without running the model.
    /// With no model (and none loading), `answer` gets no suggestions.
    func withSuggestions(
        for query: MaskQuery,
        reply: PendingReply,
        isWanted: @escaping @Sendable () -> Bool,
        stale: @escaping @Sendable () -> Void,
        answer: @escaping @Sendable ([Suggestion]) -> Void
    ) {
        // Built on the loop when the model is ready, so a cached answer needs no queue at all.
        var prepared: (window: ContextWindow, model: Int)?
        if let predictor = predictor() {
            guard let window = query.window(predictor) else {
                answer([])
                return
            }
            if let cached = predictor.cached(window) {
                answer(cached)
                return
            }
            prepared = (window, predictor.model.generation)
        } else if !engine.models.isLoading {
            answer([])
            return
        }
        let (engine, log, topK, contextTokens) = (engine, log, configuration.topK, configuration.contextTokens)
        let preparedWindow = prepared
        engine.queue.async {
            if reply.answerIfCancelled() { return }
            guard isWanted() else {
                stale()
                return
            }
            guard let predictor = engine.predictor(topK: topK, contextTokens: contextTokens) else {
                answer([])
                return
            }
            // Without a model at request time (or with one replaced since), the window is built here.
            let reusable = preparedWindow.flatMap { $0.model == predictor.model.generation ? $0.window : nil }
            guard let window = reusable ?? query.window(predictor) else {
                answer([])
                return
            }
            let started = ContinuousClock.now
            do throws(FillMaskError) {
                let suggestions = try predictor.suggestions(for: window)
                log.debug("\(reply.method) \(reply.id): model run in \(Self.milliseconds(ContinuousClock.now - started)) ms")
                if reply.answerIfCancelled() { return }
                answer(suggestions)
            } catch {
                log.warning("\(reply.method): \(error.message)")
                answer([])
            }
        }
    }

    /// The current revision check for work on `snapshot`.
    func isCurrent(_ snapshot: DocumentSnapshot) -> @Sendable () -> Bool {
        let (staleness, uri, revision) = (engine.staleness, snapshot.uri, snapshot.revision)
        return { staleness.isCurrent(revision, of: uri) }
    }
}
