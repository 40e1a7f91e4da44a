import Inference

/// Probabilities over the vocabulary for one mask.
public enum Softmax {
    public static func probabilities(_ logits: [Float]) -> [Float] {
        Probabilities.softmax(logits)
    }
}

/// The k highest-scoring ids, best first (ties: lower id first), optionally among given ids.
public enum TopK {
    public static func select(_ scores: [Float], k: Int, among candidates: [Int]? = nil) -> [Int] {
        let pool = candidates ?? Array(scores.indices)
        if k > 64 {
            // Insertion into a sorted list is O(n·k): sort instead when k is large.
            let sorted = pool.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            return Array(sorted.prefix(k))
        }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for id in pool {
            let score = scores[id]
            if best.count == k, let last = best.last, !(score > scores[last]) { continue }
            var insertAt = best.count
            while insertAt > 0, score > scores[best[insertAt - 1]] { insertAt -= 1 }
            best.insert(id, at: insertAt)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
