import Foundation
import JSON
import Tokenizers

/// `maskfill tokenize`: encode text as Hugging Face `tokenizers` does and show ids, tokens and
/// offsets; `--stdin` encodes one JSON string per line; `--benchmark FILE` times encoding.
enum TokenizeCommand {
    static let help = """
        Usage: maskfill tokenize (--tokenizer FILE | --model DIR) [--json] [--] "text"
               maskfill tokenize (--tokenizer FILE | --model DIR) --stdin
               maskfill tokenize (--tokenizer FILE | --model DIR) --benchmark FILE [--runs N] [--json]

        Encodes text with a Hugging Face tokenizer.json, special tokens included, no truncation.

        Options:
          --tokenizer FILE  the tokenizer.json to use
          --model DIR       a model folder; uses DIR/tokenizer.json
          --json            print {"ids": [...], "tokens": [...], "offsets": [[start, end], ...]}
                            (offsets in Unicode scalars, as Python's tokenizers reports them)
          --stdin           read one JSON string per line, print one JSON object per line
          --benchmark FILE  time encoding the text of FILE (median and p95 over --runs, default 20)
          --                end of options: the next argument is text even if it starts with '-'
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(
                arguments,
                valued: ["--tokenizer", "--model", "--benchmark", "--runs"],
                flags: ["--json", "--stdin", "--help", "-h"]
            )
        } catch {
            Output.error("maskfill tokenize: \(error) (see 'maskfill tokenize --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        let path: String
        switch (parsed.value("--tokenizer"), parsed.value("--model")) {
        case (let file?, nil):
            path = file
        case (nil, let directory?):
            path = URL(fileURLWithPath: directory).appendingPathComponent("tokenizer.json").path
        case (.some, .some):
            Output.error("maskfill tokenize: give either --tokenizer or --model, not both")
            return ExitCode.usage
        case (nil, nil):
            Output.error("maskfill tokenize: no tokenizer: pass --tokenizer FILE or --model DIR")
            return ExitCode.usage
        }
        let tokenizer: Tokenizer
        let loadStart = ContinuousClock.now
        do {
            tokenizer = try Tokenizer.load(contentsOf: path)
        } catch {
            Output.error("maskfill tokenize: \(error)")
            return ExitCode.usage
        }
        let loadTime = ContinuousClock.now - loadStart

        if let file = parsed.value("--benchmark") {
            return TokenizeBenchmark.run(tokenizer: tokenizer, file: file, runs: parsed.value("--runs"), loadTime: loadTime, json: parsed.has("--json"))
        }
        if parsed.has("--stdin") {
            guard parsed.positionals.isEmpty else {
                Output.error("maskfill tokenize: --stdin reads the texts from standard input; give no text argument")
                return ExitCode.usage
            }
            return encodeLines(tokenizer)
        }
        guard parsed.positionals.count == 1, let text = parsed.positionals.first else {
            Output.error("maskfill tokenize: give exactly one text argument (use -- before text that starts with '-')")
            return ExitCode.usage
        }
        let encoding = tokenizer.encode(text)
        if parsed.has("--json") {
            Output.line(jsonObject(encoding).serialized())
        } else {
            Output.line(table(encoding, text: text))
        }
        return ExitCode.success
    }

    static func jsonObject(_ encoding: Encoding) -> JSONValue {
        .object(JSONObject([
            .init(key: "ids", value: .array(encoding.ids.map { .int(Int64($0)) })),
            .init(key: "tokens", value: .array(encoding.tokens.map { .string($0) })),
            .init(key: "offsets", value: .array(encoding.offsets.map { .array([.int(Int64($0.start)), .int(Int64($0.end))]) })),
        ]))
    }

    /// One row a token: id, token, offsets and the input text they cover.
    static func table(_ encoding: Encoding, text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var lines = ["id\ttoken\toffsets\ttext"]
        for index in 0..<encoding.count {
            let offsets = encoding.offsets[index]
            var covered = String.UnicodeScalarView()
            if offsets.start <= offsets.end, offsets.end <= scalars.count {
                covered.append(contentsOf: scalars[offsets.start..<offsets.end])
            }
            let token = JSONValue.string(encoding.tokens[index]).serialized()
            let source = JSONValue.string(String(covered)).serialized()
            lines.append("\(encoding.ids[index])\t\(token)\t\(offsets.start)..\(offsets.end)\t\(source)")
        }
        return lines.joined(separator: "\n")
    }

    /// `--stdin`: every line is a JSON string. A bad line answers `{"error": …}` on its own
    /// output line (so outputs stay in step with inputs) and the exit code becomes 2.
    static func encodeLines(_ tokenizer: Tokenizer) -> Int32 {
        var status = ExitCode.success
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            let text: String
            do {
                guard let value = try JSONValue.parse(line).stringValue else {
                    throw JSONParseError(message: "expected a JSON string", offset: 0)
                }
                text = value
            } catch {
                Output.error("maskfill tokenize: line \(lineNumber): \(error)")
                Output.line(JSONValue.object(JSONObject([.init(key: "error", value: .string("line \(lineNumber): \(error)"))])).serialized())
                status = ExitCode.usage
                continue
            }
            Output.line(jsonObject(tokenizer.encode(text)).serialized())
            Output.flush()
        }
        return status
    }
}
