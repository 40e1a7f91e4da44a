import FillMask
import Foundation
import Inference
import JSON

/// `maskfill fill`: the fill-mask pipeline on the command line.
enum FillCommand {
    static let help = """
        Usage: maskfill fill [--model DIR] [--top-k K] [--precision int8|fp32] [--targets w1,w2] [--json] [--] "text with <mask>"

        Prints the most likely words for each <mask> (or the model's own mask token, e.g. [MASK]),
        with the fields of Hugging Face's fill-mask pipeline: score, token, token_str, sequence.

        Options:
          --model DIR        a Hugging Face model folder or one written by `maskfill quantize`
                             (default: $MASKFILL_MODEL, then the model shipped in Models/)
          --top-k K          candidates per mask (default 5)
          --precision P      int8 (default) or fp32
          --targets LIST     only score these comma-separated words
          --json             JSON as the pipeline returns it: an array for one mask, an array of
                             arrays for several
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(
                arguments, valued: ["--model", "--top-k", "--precision", "--targets"], flags: ["--json", "--help", "-h"])
        } catch {
            Output.error("maskfill fill: \(error) (see 'maskfill fill --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        guard parsed.positionals.count == 1, let text = parsed.positionals.first else {
            Output.error("maskfill fill: give exactly one text (use -- before text that starts with '-')")
            return ExitCode.usage
        }
        guard let topK = Int(parsed.value("--top-k") ?? "5"), topK > 0 else {
            Output.error("maskfill fill: --top-k must be a positive integer")
            return ExitCode.usage
        }
        guard let precision = Precision(rawValue: parsed.value("--precision") ?? "int8") else {
            Output.error("maskfill fill: --precision must be int8 or fp32")
            return ExitCode.usage
        }
        let targets = parsed.value("--targets").map { $0.split(separator: ",").map(String.init) }
        let folder: String
        switch ModelLocator.resolve(parsed.value("--model")) {
        case .success(let found): folder = found
        case .failure(let error):
            Output.error("maskfill fill: \(error)")
            return ExitCode.usage
        }
        do {
            let pipeline = try FillMaskPipeline(folder: folder, precision: precision)
            let results = try pipeline.fill(text, topK: topK, targets: targets)
            if parsed.has("--json") {
                Output.line(json(results).serialized())
            } else {
                Output.line(table(results, pipeline: pipeline, text: text))
            }
            return ExitCode.success
        } catch {
            Output.error("maskfill fill: \(error)")
            return ExitCode.usage
        }
    }

    static func json(_ results: [[FillCandidate]]) -> JSONValue {
        let perMask = results.map { candidates in
            JSONValue.array(candidates.map { candidate in
                [
                    "score": .double(Double(candidate.score)),
                    "token": .int(Int64(candidate.token)),
                    "token_str": .string(candidate.tokenString),
                    "sequence": .string(candidate.sequence),
                ]
            })
        }
        return perMask.count == 1 ? perMask[0] : .array(perMask)
    }

    /// One line a candidate: probability, the word as people write it ("Paris" from an uncased
    /// model that ships cased forms; "…ing" for a piece that continues the previous word), and the
    /// user's text with that word in the mask (the JSON keeps the pipeline's decoded `sequence`).
    static func table(_ results: [[FillCandidate]], pipeline: FillMaskPipeline, text: String) -> String {
        let masks = WrittenMasks(text: text, spellings: ["<mask>", pipeline.maskToken])
        var lines: [String] = []
        for (index, candidates) in results.enumerated() {
            if results.count > 1 { lines.append("mask \(index + 1):") }
            for candidate in candidates {
                let percent = String(format: "%6.2f%%", Double(candidate.score) * 100)
                let piece = pipeline.wordPiece(candidate.tokenString)
                let shown = pipeline.displayText(piece, startsSentence: masks.startsSentence(index)).trimmingCharacters(in: .whitespaces)
                let word = (piece.joinsPrevious ? "…" : "") + shown
                let sequence = masks.spans.count == results.count
                    ? masks.replacing(index, with: WordPiece(text: shown, joinsPrevious: piece.joinsPrevious))
                    : candidate.sequence
                lines.append("\(percent)  \(word.padding(toLength: max(14, word.count), withPad: " ", startingAt: 0))  \(sequence)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
