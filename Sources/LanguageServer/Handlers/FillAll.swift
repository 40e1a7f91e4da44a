import Dispatch
import FillMask
import JSON

extension LanguageServer {
    /// Starts a fill-all on the inference queue; it ends in `finishFillAll`, back on the loop.
    func startFillAll(_ snapshot: DocumentSnapshot, reply: PendingReply, progress: WorkDoneProgress?) {
        if let progress {
            progress.begin(title: "Filling masks", message: "0 of \(snapshot.layout.masks.count) masks", cancellable: true)
            progressCancellations[progress.token] = reply.cancellation
        }
        let job = FillAllJob(
            engine: engine, reply: reply, progress: progress, topK: configuration.topK,
            contextTokens: configuration.contextTokens, isCurrent: isCurrent(snapshot),
            finish: { outcome in self.loop.async { self.finishFillAll(outcome, snapshot: snapshot, reply: reply, progress: progress) } })
        engine.queue.async { job.run(MaskFillPlanner(snapshot: snapshot)) }
    }

    private func cancelled(_ reply: PendingReply, _ progress: WorkDoneProgress?) {
        progress?.end(message: "Cancelled")
        reply.fail(.requestCancelled)
    }

    private func contentModified(_ reply: PendingReply, _ progress: WorkDoneProgress?) {
        progress?.end(message: "The document changed; nothing was filled")
        reply.fail(.contentModified("the document changed while its masks were being filled; nothing was applied"))
    }

    /// Sends the edits as one `workspace/applyEdit` against the version read, unless the
    /// document changed meanwhile (ContentModified: nothing is applied), and answers the command
    /// once the client has answered.
    private func finishFillAll(_ outcome: FillAllJob.Outcome, snapshot: DocumentSnapshot, reply: PendingReply, progress: WorkDoneProgress?) {
        dispatchPrecondition(condition: .onQueue(loop))
        if let progress { progressCancellations[progress.token] = nil }
        let planner: MaskFillPlanner
        switch outcome {
        case .cancelled:
            return cancelled(reply, progress)
        case .failed(let message):
            progress?.end(message: "Failed: \(message)")
            reply.fail(.requestFailed(message))
            return
        case .stale:
            return contentModified(reply, progress)
        case .planned(let done):
            planner = done
        }
        // The last checks, on the loop, where changes and cancels are read. A change the client
        // makes after this is caught by the edit's version instead; a cancel read after the edit
        // is sent answers -32800 at once (`failWhenCancelled`), whatever the editor does with it.
        guard documents.revision(of: snapshot.uri) == snapshot.revision else { return contentModified(reply, progress) }
        guard !reply.isCancelled else { return cancelled(reply, progress) }
        let total = planner.total
        let filled = planner.edits.count
        guard filled > 0 else {
            progress?.end(message: "No mask could be filled")
            reply.succeed(["applied": false, "filled": 0, "masks": .int(Int64(total))])
            return
        }
        progress?.report(message: "Applying \(filled) edits", percentage: 100)
        let edit = WorkspaceEdits.make(planner.edits, in: snapshot.document, encoding: encoding, versioned: client.documentChanges)
        // Until the editor has the edit, the text here lacks it: no second edit may be computed
        // from it (an editor without versioned edits would apply both).
        let uri = snapshot.uri
        let inFlight = documents.markEditSent(uri)
        engine.staleness.noteRevision(inFlight, of: uri)
        reply.failWhenCancelled()
        outgoing.send("workspace/applyEdit", params: ["label": "Fill every mask", "edit": edit]) { result in
            let applied = (try? result.get())?["applied"]?.boolValue ?? false
            if let inFlight { self.documents.editAnswered(uri, revision: inFlight, applied: applied) }
            switch result {
            case .success(let value):
                progress?.end(message: applied ? "Filled \(filled) of \(total) masks" : "The editor did not apply the edits")
                var answer = JSONObject()
                answer["applied"] = .bool(applied)
                answer["filled"] = .int(Int64(filled))
                answer["masks"] = .int(Int64(total))
                if !applied, let reason = value["failureReason"] { answer["failureReason"] = reason }
                reply.succeed(.object(answer))
            case .failure(let error):
                progress?.end(message: "The editor did not apply the edits")
                reply.fail(.requestFailed("the editor did not apply the edits: \(error.message)"))
            }
        }
    }
}

/// The worker side of a fill-all: fills masks for about 50 ms, then queues its continuation,
/// so completions and hovers asked for meanwhile are answered between slices rather than after
/// the whole document. Stops early when cancelled or when the document changes.
struct FillAllJob: Sendable {
    enum Outcome: Sendable {
        case planned(MaskFillPlanner)
        case cancelled
        case stale
        case failed(String)
    }

    static let slice = Duration.milliseconds(50)

    let engine: InferenceEngine
    let reply: PendingReply
    let progress: WorkDoneProgress?
    let topK: Int
    let contextTokens: Int
    let isCurrent: @Sendable () -> Bool
    let finish: @Sendable (Outcome) -> Void

    func run(_ start: MaskFillPlanner) {
        if reply.isCancelled { return finish(.cancelled) }
        guard isCurrent() else { return finish(.stale) }
        guard let predictor = engine.predictor(topK: topK, contextTokens: contextTokens) else {
            return finish(.failed("no model is loaded: \(engine.models.problem ?? "unknown reason")"))
        }
        var planner = start
        let clock = ContinuousClock()
        let deadline = clock.now + Self.slice
        do throws(FillMaskError) {
            while !planner.isFinished, clock.now < deadline { try planner.step(predictor) }
        } catch {
            return finish(.failed(error.message))
        }
        guard !planner.isFinished else { return finish(.planned(planner)) }
        progress?.report(message: "\(planner.processed) of \(planner.total) masks", percentage: planner.processed * 100 / max(1, planner.total))
        let next = planner
        engine.queue.async { self.run(next) }
    }
}
