import FillMask
import Foundation
import Inference
import JSON

/// `maskfill bench`: what a fill costs inside a running process (tokenize, forward, head at
/// the masks, top-k), per input and precision, with load time and peak memory.
enum BenchCommand {
    static let help = """
        Usage: maskfill bench [--model DIR] [--precision int8|fp32] [--input "text"]... [--runs N] [--json]

        Times fills of the standard inputs — the seed sentence, a 23-token sentence, 128- and
        512-token texts — or of the --input texts, in int8 and fp32 (or the one --precision
        names): median and p95 over --runs runs (default 50) after two warm-up runs.
        load_ms is process-internal model loading; peak_rss_mb is the peak after the first
        precision's runs (before a second model is loaded), peak_rss_total_mb after all.
        """

    static let seedSentence = "He is not feeling <mask>"
    // 23 tokens with both the RoBERTa and the BERT uncased tokenizer, special tokens included.
    static let sentence23 = "After a long day at work, she sat by the window and watched the <mask> fade behind the hills."
    static let paragraph = """
        The history of the city goes back to a small market town on the river, where merchants \
        traded wool, grain and salt with farmers from the surrounding hills. Over the centuries \
        the town grew into a busy port, and its narrow streets filled with workshops, churches \
        and houses of stone. Today visitors come to see the old bridge, the cathedral and the \
        museum, which holds paintings, maps and letters from every period of its long past.
        """

    struct Result {
        var input: String
        var tokens: Int
        var precision: Precision
        var median: Double
        var p95: Double
    }

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(
                arguments, valued: ["--model", "--precision", "--input", "--runs"], flags: ["--json", "--help", "-h"])
        } catch {
            Output.error("maskfill bench: \(error) (see 'maskfill bench --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        guard let runs = Int(parsed.value("--runs") ?? "50"), runs > 0 else {
            Output.error("maskfill bench: --runs must be a positive integer")
            return ExitCode.usage
        }
        var precisions = Precision.allCases
        if let name = parsed.value("--precision") {
            guard let precision = Precision(rawValue: name) else {
                Output.error("maskfill bench: --precision must be int8 or fp32")
                return ExitCode.usage
            }
            precisions = [precision]
        }
        let folder: String
        switch ModelLocator.resolve(parsed.value("--model")) {
        case .success(let found): folder = found
        case .failure(let error):
            Output.error("maskfill bench: \(error)")
            return ExitCode.usage
        }
        var results: [Result] = []
        var loadMilliseconds = 0.0
        var firstPeak = 0.0
        for (index, precision) in precisions.enumerated() {
            let start = ContinuousClock.now
            let pipeline: FillMaskPipeline
            do {
                pipeline = try FillMaskPipeline(folder: folder, precision: precision)
            } catch {
                Output.error("maskfill bench: \(error)")
                return ExitCode.usage
            }
            if index == 0 { loadMilliseconds = TokenizeBenchmark.milliseconds(ContinuousClock.now - start) }
            let inputs = parsed.values("--input").isEmpty ? standardInputs(pipeline) : parsed.values("--input")
            for input in inputs {
                do {
                    results.append(try measure(pipeline, input: input, precision: precision, runs: runs))
                } catch {
                    Output.error("maskfill bench: \(error)")
                    return ExitCode.usage
                }
                if !parsed.has("--json"), let last = results.last { Output.error(describe(last)) }
            }
            if index == 0 { firstPeak = peakResidentMegabytes() }
        }
        let report: JSONValue = [
            "model": .string(folder),
            "kernels": .string(KernelInfo.name),
            "threads": .int(Int64(KernelInfo.threads)),
            "load_ms": .double(rounded(loadMilliseconds)),
            "peak_rss_mb": .double(rounded(firstPeak)),
            "peak_rss_total_mb": .double(rounded(peakResidentMegabytes())),
            "results": .array(results.map { result in
                [
                    "input": .string(result.input), "tokens": .int(Int64(result.tokens)),
                    "precision": .string(result.precision.rawValue),
                    "median_ms": .double(rounded(result.median)), "p95_ms": .double(rounded(result.p95)),
                ]
            }),
        ]
        if parsed.has("--json") {
            Output.line(report.serialized())
        } else {
            Output.line(String(format: "model %@ (kernels %@, %d threads): load %.1f ms, peak RSS %.1f MB (%.1f MB with every precision loaded)",
                               folder, KernelInfo.name, KernelInfo.threads, loadMilliseconds, firstPeak, peakResidentMegabytes()))
        }
        return ExitCode.success
    }

    static func describe(_ result: Result) -> String {
        let shown = result.input.count > 48 ? String(result.input.prefix(45)) + "..." : result.input
        return String(format: "%@ %4d tokens  median %8.2f ms  p95 %8.2f ms  %@", result.precision.rawValue, result.tokens,
                      result.median, result.p95, shown)
    }

    static func measure(_ pipeline: FillMaskPipeline, input: String, precision: Precision, runs: Int) throws -> Result {
        let tokens = pipeline.tokenizer.encode(input.replacingOccurrences(of: "<mask>", with: pipeline.maskToken)).count
        for _ in 0..<2 { _ = try pipeline.fill(input) }
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let start = clock.now
            _ = try pipeline.fill(input)
            times.append(TokenizeBenchmark.milliseconds(clock.now - start))
        }
        times.sort()
        let p95Index = min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)
        return Result(input: input, tokens: tokens, precision: precision, median: times[times.count / 2], p95: times[p95Index])
    }

    /// The seed sentence, a 23-token sentence, and texts of exactly 128 and 512 tokens (or the
    /// model's maximum) with one mask in the middle, built from a plain English paragraph.
    static func standardInputs(_ pipeline: FillMaskPipeline) -> [String] {
        let limit = pipeline.model.config.maxTokens
        return [seedSentence, sentence23, text(tokens: min(128, limit), pipeline), text(tokens: min(512, limit), pipeline)]
    }

    static func text(tokens target: Int, _ pipeline: FillMaskPipeline) -> String {
        let words = String(repeating: paragraph + " ", count: 20).split(separator: " ")
        let mask = pipeline.maskToken
        func build(_ count: Int) -> String {
            var chosen = Array(words.prefix(count))
            chosen.insert(Substring(mask), at: count / 2)
            return chosen.joined(separator: " ").replacingOccurrences(of: mask, with: "<mask>")
        }
        func length(_ count: Int) -> Int {
            pipeline.tokenizer.encode(build(count).replacingOccurrences(of: "<mask>", with: mask)).count
        }
        // The longest word count whose encoding fits, then pad with "." tokens to the exact size.
        var low = 1, high = words.count
        while low < high {
            let middle = (low + high + 1) / 2
            if length(middle) <= target { low = middle } else { high = middle - 1 }
        }
        var text = build(low)
        while pipeline.tokenizer.encode(text.replacingOccurrences(of: "<mask>", with: mask)).count < target {
            text += "."
        }
        return text
    }

    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
