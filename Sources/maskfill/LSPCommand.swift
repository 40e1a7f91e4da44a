import Inference
import LanguageServer

/// `maskfill lsp`: the language server on stdin/stdout, or `--benchmark` to time it.
enum LSPCommand {
    static let help = """
        Usage: maskfill lsp [--model DIR] [--precision int8|fp32] [--verbose]
               maskfill lsp --benchmark [--model DIR] [--precision int8|fp32] [--runs N]

        Runs the MaskFill language server: JSON-RPC 2.0 (LSP 3.17) on stdin and stdout, logs on
        stderr. Editors start it for plain-text and markdown files.

        Options:
          --model DIR      the model folder (default: $MASKFILL_MODEL, then the model shipped in
                           Models/); the editor's maskfill.modelPath setting takes precedence
          --precision P    int8 (default) or fp32
          --verbose        also log each request's model time on stderr
          --stdio          accepted and ignored (editors' launchers add it)
          --benchmark      run a simulated editor session in process and print completion
                           latency (median, p95 over --runs, default 50) and the time to fill a
                           2,000-word document with 50 masks
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(
                arguments, valued: ["--model", "--precision", "--runs", "--clientProcessId"],
                flags: ["--help", "-h", "--benchmark", "--verbose", "--stdio"])
        } catch {
            Output.error("maskfill lsp: \(error) (see 'maskfill lsp --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        guard parsed.positionals.isEmpty else {
            Output.error("maskfill lsp: unexpected argument '\(parsed.positionals[0])' (see 'maskfill lsp --help')")
            return ExitCode.usage
        }
        guard let precision = Precision(rawValue: parsed.value("--precision") ?? "int8") else {
            Output.error("maskfill lsp: --precision must be int8 or fp32")
            return ExitCode.usage
        }
        var modelPath: String?
        var modelProblem: String?
        switch ModelLocator.resolve(parsed.value("--model")) {
        case .success(let found): modelPath = found
        case .failure(let error): modelProblem = error.description
        }
        if parsed.has("--benchmark") {
            return benchmark(modelPath: modelPath, problem: modelProblem, precision: precision, runs: parsed.value("--runs"))
        }
        // Without a model the server still starts: it tells the editor why, and answers with
        // empty results until a modelPath setting names a model.
        let options = LanguageServerOptions(
            modelPath: modelPath, modelProblem: modelProblem, precision: precision,
            version: MaskFillVersion.current, verbose: parsed.has("--verbose"))
        return StdioLanguageServer.run(options: options)
    }

    private static func benchmark(modelPath: String?, problem: String?, precision: Precision, runs: String?) -> Int32 {
        guard let modelPath else {
            Output.error("maskfill lsp: \(problem ?? "no model")")
            return ExitCode.usage
        }
        guard let runCount = Int(runs ?? "50"), runCount > 0 else {
            Output.error("maskfill lsp: --runs must be a positive integer")
            return ExitCode.usage
        }
        do {
            let report = try LatencyBenchmark.run(modelPath: modelPath, precision: precision, runs: runCount)
            Output.line("model \(modelPath) (\(precision.rawValue), kernels \(KernelInfo.name), \(KernelInfo.threads) threads)")
            Output.line(report.summary)
            return ExitCode.success
        } catch {
            Output.error("maskfill lsp --benchmark: \(error)")
            return ExitCode.failure
        }
    }
}
