import Synchronization

/// Suggestions per context window, so a hover or code action after a completion on the same
/// text (or any other mask of the same window) costs a dictionary lookup. Two generations
/// approximate LRU in O(1): when the young one fills, it becomes the old one and the old one
/// is dropped; a hit in the old one is promoted.
final class PredictionCache: Sendable {
    struct Key: Hashable, Sendable {
        /// The model the suggestions came from (each load gets a new one).
        var model: Int
        var candidates: Int
        var text: String
    }

    private struct Generations {
        var young: [Key: [[Suggestion]]] = [:]
        var old: [Key: [[Suggestion]]] = [:]
    }

    private let capacity: Int
    private let generations = Mutex(Generations())

    init(capacity: Int = 512) {
        self.capacity = max(1, capacity)
    }

    /// Suggestions for every mask of the window, in order.
    func value(for key: Key) -> [[Suggestion]]? {
        generations.withLock { state in
            if let found = state.young[key] { return found }
            guard let found = state.old.removeValue(forKey: key) else { return nil }
            Self.insert(found, for: key, into: &state, capacity: capacity)
            return found
        }
    }

    func store(_ value: [[Suggestion]], for key: Key) {
        generations.withLock { Self.insert(value, for: key, into: &$0, capacity: capacity) }
    }

    private static func insert(_ value: [[Suggestion]], for key: Key, into state: inout Generations, capacity: Int) {
        if state.young.count >= capacity {
            state.old = state.young
            state.young = [:]
        }
        state.young[key] = value
    }
}
