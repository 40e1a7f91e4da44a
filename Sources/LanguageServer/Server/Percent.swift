import Foundation

/// Probabilities as people read them.
enum Percent {
    /// One decimal: "31.2%", "0.4%", "<0.1%".
    static func detailed(_ score: Float) -> String {
        let percent = Double(score) * 100
        if percent > 0, percent < 0.05 { return "<0.1%" }
        return String(format: "%.1f%%", percent)
    }

    /// Whole percent: "31%", "<1%".
    static func short(_ score: Float) -> String {
        let percent = Double(score) * 100
        if percent > 0, percent < 0.5 { return "<1%" }
        return String(format: "%.0f%%", percent)
    }
}
