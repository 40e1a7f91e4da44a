import Foundation
import Inference
import JSON

/// `maskfill lsp --benchmark`: the server in process, driven by a simulated session, timed
/// from request to response. Completion on a typical sentence (each run after an edit, as when
/// typing, so the model runs every time), hover right after (from the cache), and fill-all on
/// a 2,000-word document with 50 masks.
public enum LatencyBenchmark {
    public struct Report: Sendable {
        public var modelLoadMilliseconds: Double
        public var completionMedian: Double
        public var completionP95: Double
        public var cachedHoverMedian: Double
        public var fillAllMilliseconds: Double
        public var fillAllWords: Int
        public var fillAllMasks: Int
        public var fillAllFilled: Int
        public var runs: Int

        public var summary: String {
            String(format: """
                model load (first completion): %.1f ms
                completion, typical sentence: median %.2f ms, p95 %.2f ms over %d runs
                hover after completion (cached): median %.3f ms
                fill-all, %d words, %d masks: %.1f ms (%d filled)
                """, modelLoadMilliseconds, completionMedian, completionP95, runs, cachedHoverMedian,
                fillAllWords, fillAllMasks, fillAllMilliseconds, fillAllFilled)
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(modelPath: String, precision: Precision, runs: Int = 50) throws(Failure) -> Report {
        let client = InProcessClient(options: LanguageServerOptions(modelPath: modelPath, precision: precision, version: "benchmark", logsToStandardError: false))
        client.serverRequestHandler.withLock { $0 = { method, _ in method == "workspace/applyEdit" ? ["applied": true] : .null } }
        let capabilities: JSONValue = ["workspace": ["workspaceEdit": ["documentChanges": true]]]
        guard client.request("initialize", ["processId": .null, "rootUri": .null, "capabilities": capabilities])?["result"] != nil else {
            throw Failure(description: "initialize failed")
        }
        client.notify("initialized", [:])
        let uri = "file:///benchmark/sentence.txt"
        let clock = ContinuousClock()

        func completion(at text: String) throws(Failure) -> JSONValue {
            let prefix = text.components(separatedBy: "<mask>")[0]
            let position: JSONValue = ["line": 0, "character": .int(Int64(prefix.utf16.count + 6))]
            guard let response = client.request("textDocument/completion", ["textDocument": ["uri": .string(uri)], "position": position]),
                let items = response["result"]?["items"]?.arrayValue
            else { throw Failure(description: "completion failed") }
            guard !items.isEmpty else {
                let problem = client.drain().compactMap { $0["params"]?["message"]?.stringValue }.joined(separator: "; ")
                throw Failure(description: "completion returned no items \(problem)")
            }
            return position
        }

        // The first completion waits for the model to load.
        let first = BenchmarkTexts.sentence(0)
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "plaintext", "version": 0, "text": .string(first)]])
        let loadStart = clock.now
        _ = try completion(at: first)
        let load = milliseconds(clock.now - loadStart)

        var completionTimes: [Double] = []
        var hoverTimes: [Double] = []
        for run in 1...runs {
            let text = BenchmarkTexts.sentence(run)
            client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(run))], "contentChanges": [["text": .string(text)]]])
            let start = clock.now
            let position = try completion(at: text)
            completionTimes.append(milliseconds(clock.now - start))
            let hoverStart = clock.now
            guard client.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": position])?["result"]?.objectValue != nil else {
                throw Failure(description: "hover failed")
            }
            hoverTimes.append(milliseconds(clock.now - hoverStart))
        }

        let documentURI = "file:///benchmark/document.md"
        let document = BenchmarkTexts.document()
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(documentURI), "languageId": "markdown", "version": 1, "text": .string(document)]])
        let fillStart = clock.now
        guard let answer = client.request("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [.string(documentURI)]], timeout: .seconds(600)),
            let result = answer["result"]?.objectValue
        else { throw Failure(description: "fill-all failed") }
        let fillAll = milliseconds(clock.now - fillStart)
        _ = client.request("shutdown", .null)
        client.notify("exit", .null)

        completionTimes.sort()
        hoverTimes.sort()
        return Report(
            modelLoadMilliseconds: load,
            completionMedian: completionTimes[completionTimes.count / 2],
            completionP95: completionTimes[min(completionTimes.count - 1, Int((Double(completionTimes.count) * 0.95).rounded(.up)) - 1)],
            cachedHoverMedian: hoverTimes[hoverTimes.count / 2],
            fillAllMilliseconds: fillAll,
            fillAllWords: document.split(whereSeparator: { $0 == " " || $0 == "\n" }).count,
            fillAllMasks: document.components(separatedBy: "<mask>").count - 1,
            fillAllFilled: result["filled"]?.intValue ?? 0,
            runs: runs)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
