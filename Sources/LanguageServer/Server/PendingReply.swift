import JSON
import Synchronization

/// A request from the client waiting for its answer. Whoever finishes the work answers it,
/// from any thread; the first answer is sent and any later one dropped, so every request gets
/// exactly one response.
final class PendingReply: Sendable {
    let id: RequestID
    let method: String
    let cancellation = CancellationToken()
    private let answered = Atomic<Bool>(false)
    private let transport: any MessageTransport
    private let registry: RequestRegistry

    init(id: RequestID, method: String, transport: any MessageTransport, registry: RequestRegistry) {
        self.id = id
        self.method = method
        self.transport = transport
        self.registry = registry
    }

    var isCancelled: Bool { cancellation.isCancelled }

    func succeed(_ result: JSONValue) {
        guard claim() else { return }
        transport.send(OutgoingMessage.response(id: id, result: result))
    }

    func fail(_ error: ResponseError) {
        guard claim() else { return }
        transport.send(OutgoingMessage.error(id: id, error))
    }

    /// While the answer waits on the client (an answer to a request the server sent it), a cancel
    /// (or shutdown, or exit) answers "request cancelled" at once.
    func failWhenCancelled() {
        cancellation.onCancel { [weak self] in self?.fail(.requestCancelled) }
    }

    /// Answers "request cancelled" if the client cancelled; true when it did.
    func answerIfCancelled() -> Bool {
        guard isCancelled else { return false }
        fail(.requestCancelled)
        return true
    }

    private func claim() -> Bool {
        guard answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return false }
        registry.remove(id)
        return true
    }
}

/// The requests in flight, by id, so `$/cancelRequest` can find them.
final class RequestRegistry: Sendable {
    private let pending = Mutex<[RequestID: PendingReply]>([:])

    func register(_ reply: PendingReply) {
        pending.withLock { $0[reply.id] = reply }
    }

    func remove(_ id: RequestID) {
        _ = pending.withLock { $0.removeValue(forKey: id) }
    }

    func cancel(_ id: RequestID) {
        pending.withLock { $0[id] }?.cancellation.cancel()
    }

    func cancelAll(except kept: RequestID? = nil) {
        for reply in pending.withLock({ Array($0.values) }) where reply.id != kept { reply.cancellation.cancel() }
    }
}
