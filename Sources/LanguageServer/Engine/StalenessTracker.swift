import Synchronization

/// What the worker needs to know about the documents to skip stale work: each open document's
/// latest revision (updated by the message loop on every change), and the latest completion
/// asked for in each, so older completions still queued are answered at once instead of run.
final class StalenessTracker: Sendable {
    private struct State {
        var revisions: [String: Int] = [:]
        var completionTickets: [String: Int] = [:]
        var nextTicket = 0
    }

    private let state = Mutex(State())

    func noteRevision(_ revision: Int?, of uri: String) {
        state.withLock { $0.revisions[uri] = revision }
    }

    func isCurrent(_ revision: Int, of uri: String) -> Bool {
        state.withLock { $0.revisions[uri] == revision }
    }

    func issueCompletionTicket(for uri: String) -> Int {
        state.withLock { state in
            state.nextTicket += 1
            state.completionTickets[uri] = state.nextTicket
            return state.nextTicket
        }
    }

    func isLatestCompletion(_ ticket: Int, of uri: String) -> Bool {
        state.withLock { $0.completionTickets[uri] == ticket }
    }
}
