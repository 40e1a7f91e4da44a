import Synchronization

/// Set by `$/cancelRequest` (or a progress cancel, or shutdown) on the message loop, read by the
/// worker between steps. Work that waits on the client instead (an answer to a request the
/// server sent) registers a handler, since no worker will look at the flag.
final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)
    private let handlers = Mutex<[@Sendable () -> Void]>([])

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() {
        let waiting = handlers.withLock { handlers in
            flag.store(true, ordering: .releasing)
            defer { handlers = [] }
            return handlers
        }
        for handler in waiting { handler() }
    }

    /// Runs `handler` when the token is cancelled, or at once if it already is.
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let cancelled = handlers.withLock { handlers in
            if flag.load(ordering: .acquiring) { return true }
            handlers.append(handler)
            return false
        }
        if cancelled { handler() }
    }
}
