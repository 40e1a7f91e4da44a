import Synchronization

/// Set by `$/cancelRequest` (or a progress cancel) on the message loop, read by the worker
/// between steps.
final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    func cancel() { flag.store(true, ordering: .releasing) }
}
