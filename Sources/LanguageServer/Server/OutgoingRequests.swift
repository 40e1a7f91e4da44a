import JSON
import Synchronization

/// Requests the server sends to the client (`workspace/applyEdit`,
/// `window/workDoneProgress/create`, `workspace/configuration`) and what to do with each
/// answer. Answers arrive on stdin like any message; the loop hands them here.
final class OutgoingRequests: Sendable {
    typealias Handler = @Sendable (Result<JSONValue, ResponseError>) -> Void

    private struct State {
        var nextID: Int64 = 1
        var waiting: [RequestID: Handler] = [:]
    }

    private let state = Mutex(State())
    private let transport: any MessageTransport

    init(transport: any MessageTransport) {
        self.transport = transport
    }

    func send(_ method: String, params: JSONValue, then handler: @escaping Handler) {
        let id = state.withLock { state in
            let id = RequestID.string("maskfill-\(state.nextID)")
            state.nextID += 1
            state.waiting[id] = handler
            return id
        }
        transport.send(OutgoingMessage.request(id: id, method: method, params: params))
    }

    /// Runs the handler waiting for `id`; false when nothing was waiting for it.
    func complete(_ id: RequestID, with result: Result<JSONValue, ResponseError>) -> Bool {
        guard let handler = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return false }
        handler(result)
        return true
    }
}
