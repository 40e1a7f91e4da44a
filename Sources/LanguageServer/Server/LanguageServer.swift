import Dispatch
import Foundation
import JSON

/// The language server: decodes messages and dispatches them to the handlers (one file each,
/// in Handlers/), owns the documents, the configuration and the lifecycle.
///
/// Threading. The reader thread hands every frame to `receive`, which queues it on `loop`, a
/// serial queue: messages are handled one at a time, in the order they arrived, and all the
/// mutable state below is touched only there (hence `@unchecked Sendable`). Handlers never run
/// the model: that happens on the inference engine's own serial queue, and answers are sent
/// from there. So the loop stays free to take the next change or `$/cancelRequest` while the
/// model works.
final class LanguageServer: @unchecked Sendable {
    enum Lifecycle {
        case uninitialized, running, shutDown
    }

    let loop = DispatchQueue(label: "maskfill.lsp.messages", qos: .userInitiated)
    let transport: any MessageTransport
    let options: LanguageServerOptions
    let log: ServerLog
    let engine = InferenceEngine()
    let requests = RequestRegistry()
    let outgoing: OutgoingRequests
    private let onExit: @Sendable (Int32) -> Void

    // Loop-confined state.
    var lifecycle = Lifecycle.uninitialized
    var client = ClientCapabilities()
    var encoding = PositionEncoding.utf16
    var configuration = ServerConfiguration()
    var documents = DocumentStore()
    var workspaceRoot: String?
    /// Progress tokens of running fill-alls, for `window/workDoneProgress/cancel`.
    var progressCancellations: [JSONValue: CancellationToken] = [:]
    var nextProgressToken = 1
    private(set) var exited = false

    init(options: LanguageServerOptions, transport: any MessageTransport, onExit: @escaping @Sendable (Int32) -> Void) {
        self.options = options
        self.transport = transport
        self.onExit = onExit
        log = ServerLog(transport: transport, verbose: options.verbose, toStandardError: options.logsToStandardError)
        outgoing = OutgoingRequests(transport: transport)
    }

    // MARK: Input (any thread)

    func receive(_ event: MessageFramer.Event) {
        loop.async { self.handle(event) }
    }

    /// The client closed stdin: exit as `exit` would.
    func receiveEndOfInput() {
        loop.async {
            guard !self.exited else { return }
            self.log.info("end of input")
            self.exit()
        }
    }

    // MARK: Dispatch (on the loop)

    private func handle(_ event: MessageFramer.Event) {
        guard !exited else { return }
        switch event {
        case .malformed(let problem):
            log.warning("malformed message header: \(problem)")
            transport.send(OutgoingMessage.error(id: nil, .parseError("malformed message header: \(problem)")))
            loseTrack(of: documents.openURIs, because: "a message from the editor had a malformed header")
        case .message(let body):
            switch IncomingMessage.decode(body) {
            case .success(let message):
                handle(message)
            case .failure(let failure):
                log.warning("bad message: \(failure.error.message)")
                if failure.answer { transport.send(OutgoingMessage.error(id: failure.id, failure.error)) }
                // It may have been a change (or a reopen), which the documents here would then lack.
                if UnreadableMessage.mayHaveChangedDocuments(body) {
                    loseTrack(of: documents.openURIs, because: "a change from the editor could not be read (\(failure.error.message))")
                }
            }
        }
    }

    private func handle(_ message: IncomingMessage) {
        dispatchPrecondition(condition: .onQueue(loop))
        switch message {
        case .request(let id, let method, let params):
            let reply = PendingReply(id: id, method: method, transport: transport, registry: requests)
            requests.register(reply)
            do throws(ResponseError) {
                try handleRequest(method, params: params, reply: reply)
            } catch {
                reply.fail(error)
            }
        case .notification(let method, let params):
            handleNotification(method, params: params)
        case .response(let id, let result):
            if !outgoing.complete(id, with: result) { log.warning("response to unknown request \(id)") }
        }
    }

    private func handleRequest(_ method: String, params: JSONValue, reply: PendingReply) throws(ResponseError) {
        switch lifecycle {
        case .uninitialized:
            guard method == "initialize" else { throw .serverNotInitialized }
        case .shutDown:
            throw .invalidRequest("the server is shutting down")
        case .running:
            guard method != "initialize" else { throw .invalidRequest("the server is already initialized") }
        }
        switch method {
        case "initialize": try initialize(params, reply: reply)
        case "shutdown": shutdown(reply: reply)
        case "textDocument/completion": try completion(params, reply: reply)
        case "textDocument/hover": try hover(params, reply: reply)
        case "textDocument/codeAction": try codeAction(params, reply: reply)
        case "textDocument/inlayHint": try inlayHint(params, reply: reply)
        case "workspace/executeCommand": try executeCommand(params, reply: reply)
        default: throw .methodNotFound(method)
        }
    }

    /// Notifications get no answer, even when they are wrong: problems are logged. Before
    /// initialize and after shutdown only `exit` counts.
    private func handleNotification(_ method: String, params: JSONValue) {
        if method == "exit" {
            exit()
            return
        }
        guard lifecycle == .running else { return }
        do throws(ResponseError) {
            switch method {
            case "initialized": initialized()
            case "textDocument/didOpen": try didOpen(params)
            case "textDocument/didChange": try didChange(params)
            case "textDocument/didClose": try didClose(params)
            case "workspace/didChangeConfiguration": didChangeConfiguration(params)
            case "$/cancelRequest": try cancelRequest(params)
            case "window/workDoneProgress/cancel": cancelProgress(params)
            default: break  // $/setTrace and the like: ignored, as the protocol allows
            }
        } catch {
            log.warning("\(method): \(error.message)")
        }
    }

    /// Exit code 0 after `shutdown`, 1 otherwise, as LSP asks. Requests still queued are
    /// cancelled and answered first (the exit goes through the inference queue behind them), so
    /// even a client that does not wait for its answers gets every one.
    func exit() {
        guard !exited else { return }
        exited = true
        let code: Int32 = lifecycle == .shutDown ? 0 : 1
        requests.cancelAll()
        engine.queue.async { [onExit] in onExit(code) }
    }

    // MARK: Shared by handlers

    /// The mask spellings in force: configured, or the built-in ones and the model's own.
    var maskSpellings: MaskSpellings {
        if let configured = configuration.maskTokens { return MaskSpellings(configured) }
        var spellings = MaskSpellings.builtIn
        if let model = engine.models.current, !spellings.contains(model.pipeline.maskToken) {
            spellings.append(model.pipeline.maskToken)
        }
        return MaskSpellings(spellings)
    }

    /// The document with its masks, if it is open, in a language with masks, and its text here
    /// is known to be the editor's (see `DocumentStore.Doubt`).
    func snapshot(of uri: String) -> DocumentSnapshot? {
        guard let document = documents.document(uri), document.language.hasMasks, documents.doubt(of: uri) == nil else { return nil }
        return documents.snapshot(of: uri, spellings: maskSpellings)
    }

    /// Changes to these documents may have been lost: nothing is offered or edited there until
    /// the editor sends their whole text again (reopening them does).
    func loseTrack(of uris: [String], because reason: String) {
        var lost: [String] = []  // newly: one message per document, not one per bad change
        for uri in uris {
            let known = documents.doubt(of: uri) == .lostChange
            guard let revision = documents.markChangeLost(uri) else { continue }
            engine.staleness.noteRevision(revision, of: uri)
            if !known { lost.append(uri) }
        }
        guard !lost.isEmpty else { return }
        let names = lost.sorted().map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", ")
        log.show(.warning, "maskfill: \(reason); MaskFill's copy of \(names) may differ from the editor's, so it offers nothing there until the document is reopened")
    }

    func predictor() -> MaskPredictor? {
        engine.predictor(topK: configuration.topK, contextTokens: configuration.contextTokens)
    }
}
