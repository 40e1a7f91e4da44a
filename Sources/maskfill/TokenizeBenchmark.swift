import Foundation
import JSON
import Tokenizers

/// `maskfill tokenize --benchmark FILE`: how long encoding that text takes in a running
/// process (median and p95 over several runs, after one warm-up that fills the BPE cache as a
/// long-lived server's would be).
enum TokenizeBenchmark {
    static func run(tokenizer: Tokenizer, file: String, runs: String?, loadTime: Duration, json: Bool) -> Int32 {
        let runCount = Int(runs ?? "20") ?? 0
        guard runCount > 0 else {
            Output.error("maskfill tokenize: --runs must be a positive integer")
            return ExitCode.usage
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            Output.error("maskfill tokenize: cannot read \(file)")
            return ExitCode.usage
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            Output.error("maskfill tokenize: \(file) is not valid UTF-8")
            return ExitCode.usage
        }
        let words = text.split(whereSeparator: { $0.isWhitespace }).count
        let clock = ContinuousClock()
        let coldStart = clock.now
        var tokens = tokenizer.encode(text).count
        let cold = milliseconds(clock.now - coldStart)
        var times: [Double] = []
        for _ in 0..<runCount {
            let start = clock.now
            tokens = tokenizer.encode(text).count
            times.append(milliseconds(clock.now - start))
        }
        times.sort()
        let median = times[times.count / 2]
        let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
        if json {
            let result: JSONValue = [
                "file": .string(file), "words": .int(Int64(words)), "tokens": .int(Int64(tokens)),
                "load_ms": .double(milliseconds(loadTime)), "first_ms": .double(cold),
                "median_ms": .double(median), "p95_ms": .double(p95), "runs": .int(Int64(runCount)),
            ]
            Output.line(result.serialized())
        } else {
            Output.line(String(format: "tokenizer load %.1f ms; %@: %d words, %d tokens", milliseconds(loadTime), file, words, tokens))
            Output.line(String(format: "encode: first %.2f ms, median %.2f ms, p95 %.2f ms over %d runs", cold, median, p95, runCount))
        }
        return ExitCode.success
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
