import FillMask
import JSON

extension LanguageServer {
    /// Most masks one inlay-hint request fills (a huge document gets hints near the top of the
    /// range; editors ask for the visible range anyway).
    static let inlayHintMaskLimit = 200

    /// `textDocument/inlayHint`: after each mask in the range, its best candidate and
    /// probability. Answered ContentModified (-32801) when the document changes first, so the
    /// editor keeps its hints and asks again.
    func inlayHint(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        let uri = try Params.uri(params)
        let range = try Params.range(params)
        guard let snapshot = snapshot(of: uri) else {
            reply.succeed([])
            return
        }
        let start = snapshot.document.offset(of: range.start, encoding: encoding)
        let end = max(start, snapshot.document.offset(of: range.end, encoding: encoding))
        let masks = snapshot.layout.maskIndices(touching: start..<end).prefix(Self.inlayHintMaskLimit)
        guard !masks.isEmpty, engine.models.current != nil || engine.models.isLoading else {
            reply.succeed([])
            return
        }
        let job = InlayHintJob(
            engine: engine, log: log, reply: reply, encoding: encoding, topK: configuration.topK,
            contextTokens: configuration.contextTokens, isCurrent: isCurrent(snapshot),
            queries: masks.map { MaskQuery(snapshot: snapshot, mask: $0) })
        engine.queue.async { job.run(from: 0, hints: []) }
    }
}

/// Hints are computed in slices of about 30 ms on the inference queue, so a completion asked
/// for while a screenful of hints is computed waits for one slice, not for all of them.
struct InlayHintJob: Sendable {
    static let slice = Duration.milliseconds(30)

    let engine: InferenceEngine
    let log: ServerLog
    let reply: PendingReply
    let encoding: PositionEncoding
    let topK: Int
    let contextTokens: Int
    let isCurrent: @Sendable () -> Bool
    let queries: [MaskQuery]

    func run(from start: Int, hints: [JSONValue]) {
        if reply.answerIfCancelled() { return }
        guard isCurrent() else { return reply.fail(.contentModified("the document changed")) }
        guard let predictor = engine.predictor(topK: topK, contextTokens: contextTokens) else { return reply.succeed([]) }
        var hints = hints
        var index = start
        let clock = ContinuousClock()
        let deadline = clock.now + Self.slice
        while index < queries.count, clock.now < deadline {
            let query = queries[index]
            index += 1
            guard let window = query.window(predictor) else { continue }
            do throws(FillMaskError) {
                if let best = try predictor.suggestions(for: window).first {
                    hints.append(InlayHints.hint(best, after: query, encoding: encoding))
                }
            } catch {
                log.warning("inlayHint: \(error.message)")
            }
        }
        guard index < queries.count else { return reply.succeed(.array(hints)) }
        let (next, sofar) = (index, hints)
        engine.queue.async { self.run(from: next, hints: sofar) }
    }
}

enum InlayHints {
    static func hint(_ suggestion: Suggestion, after query: MaskQuery, encoding: PositionEncoding) -> JSONValue {
        [
            "position": query.snapshot.document.position(of: query.maskRange.upperBound, encoding: encoding).json,
            "label": .string("\(suggestion.joinsPrevious ? "…" : "")\(suggestion.text) \(Percent.short(suggestion.score))"),
            "paddingLeft": true,
            "tooltip": .string("maskfill: the most likely word here (\(Percent.detailed(suggestion.score)))"),
        ]
    }
}
