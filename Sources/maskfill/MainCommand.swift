/// Dispatches `maskfill SUBCOMMAND ...` and answers `--help` and `--version`.
enum MainCommand {
    static let subcommands: [(name: String, summary: String)] = [
        ("bench", "measure fill latency, load time and memory"),
        ("eval", "masked-word accuracy on a JSONL file of sentences and answers"),
        ("fill", "suggest words for each <mask> in a text (the fill-mask pipeline)"),
        ("lsp", "the language server (LSP 3.17 over stdio)"),
        ("quantize", "write an int8 model folder from a Hugging Face one"),
        ("tokenize", "encode text with a tokenizer.json, as Hugging Face tokenizers does"),
    ]

    static func run(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            Output.error(usage)
            return ExitCode.usage
        }
        switch first {
        case "--help", "-h", "help":
            Output.line(usage)
            return ExitCode.success
        case "--version", "-V", "version":
            Output.line("maskfill \(MaskFillVersion.current)")
            return ExitCode.success
        case "bench":
            return BenchCommand.run(Array(arguments.dropFirst()))
        case "eval":
            return EvalCommand.run(Array(arguments.dropFirst()))
        case "fill":
            return FillCommand.run(Array(arguments.dropFirst()))
        case "lsp":
            return LSPCommand.run(Array(arguments.dropFirst()))
        case "quantize":
            return QuantizeCommand.run(Array(arguments.dropFirst()))
        case "tokenize":
            return TokenizeCommand.run(Array(arguments.dropFirst()))
        default:
            Output.error("maskfill: unknown command '\(first)' (see 'maskfill --help')")
            return ExitCode.usage
        }
    }

    static var usage: String {
        var text = """
            maskfill \(MaskFillVersion.current): masked-word completion for your editor

            Usage: maskfill <command> [options]

            Commands:

            """
        for command in subcommands {
            text += "  " + command.name.padding(toLength: 12, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += """

            Options:
              -h, --help     show this help (also: maskfill <command> --help)
              -V, --version  print the version

            """
        return text
    }
}

enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

enum MaskFillVersion {
    static let current = "0.1.0"
}
