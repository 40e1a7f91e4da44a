import FillMask
import Foundation
import Inference
import JSON

/// `maskfill eval`: masked-word accuracy on a JSONL file of {"text": "... <mask> ...", "answer": "word"}
/// (the protocol of ../shared/corpora/README.md): a hit when the answer equals a candidate
/// word, ignoring case; top-1 and top-5.
enum EvalCommand {
    static let help = """
        Usage: maskfill eval [--model DIR] [--precision int8|fp32] [--against DIR] [--limit N] [--json] FILE.jsonl

        Each line of FILE is {"text": "sentence with one <mask> or [MASK]", "answer": "word"}.
        Prints top-1 and top-5 accuracy: a hit when the answer equals a candidate word (case ignored).
        --against DIR also runs every sentence through DIR in fp32 (say, the checkpoint an int8
        folder was quantized from) and prints how often the two agree: the same best token, and
        the share of the five best tokens they have in common.
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(arguments, valued: ["--model", "--precision", "--limit", "--against"], flags: ["--json", "--help", "-h"])
        } catch {
            Output.error("maskfill eval: \(error) (see 'maskfill eval --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        guard parsed.positionals.count == 1, let file = parsed.positionals.first,
            let data = FileManager.default.contents(atPath: file), let text = String(validating: data, as: UTF8.self)
        else {
            Output.error("maskfill eval: give one readable JSONL file")
            return ExitCode.usage
        }
        guard let precision = Precision(rawValue: parsed.value("--precision") ?? "int8") else {
            Output.error("maskfill eval: --precision must be int8 or fp32")
            return ExitCode.usage
        }
        let limit = Int(parsed.value("--limit") ?? "") ?? Int.max
        let folder: String
        switch ModelLocator.resolve(parsed.value("--model")) {
        case .success(let found): folder = found
        case .failure(let error):
            Output.error("maskfill eval: \(error)")
            return ExitCode.usage
        }
        let pipeline: FillMaskPipeline
        do {
            pipeline = try FillMaskPipeline(folder: folder, precision: precision)
        } catch {
            Output.error("maskfill eval: \(error)")
            return ExitCode.usage
        }
        var reference: FillMaskPipeline?
        if let against = parsed.value("--against") {
            do {
                reference = try FillMaskPipeline(folder: against, precision: .fp32)
            } catch {
                Output.error("maskfill eval: --against: \(error)")
                return ExitCode.usage
            }
            // agreement compares token ids, which only mean the same thing in one vocabulary
            if reference?.tokenizer.vocabularySize != pipeline.tokenizer.vocabularySize || reference?.maskTokenID != pipeline.maskTokenID {
                Output.error("maskfill eval: --against: \(against) has another vocabulary than \(folder)")
                return ExitCode.usage
            }
        }
        var agreement = TopKAgreement()
        var total = 0, top1 = 0, top5 = 0
        for (number, line) in text.split(separator: "\n").enumerated() where total < limit {
            guard let item = try? JSONValue.parse(String(line)), let sentence = item["text"]?.stringValue,
                let answer = item["answer"]?.stringValue
            else {
                Output.error("maskfill eval: line \(number + 1) is not {\"text\", \"answer\"}")
                return ExitCode.usage
            }
            guard let candidates = try? pipeline.fill(sentence, topK: 5).first else { continue }
            if let reference {
                guard let referenceCandidates = try? reference.fill(sentence, topK: 5).first else { continue }
                agreement.add(candidates.map(\.token), reference: referenceCandidates.map(\.token))
            }
            let words = candidates.map { pipeline.wordPiece($0.tokenString).text.lowercased() }
            let expected = answer.lowercased()
            total += 1
            if words.first == expected { top1 += 1 }
            if words.contains(expected) { top5 += 1 }
        }
        var report = JSONObject()
        report["model"] = .string(folder)
        report["precision"] = .string(precision.rawValue)
        report["n"] = .int(Int64(total))
        report["top1"] = .double(total > 0 ? Double(top1) / Double(total) : 0)
        report["top5"] = .double(total > 0 ? Double(top5) / Double(total) : 0)
        if let against = parsed.value("--against") {
            report["against"] = .string(against)
            report["same_top1"] = .double(agreement.sameTop1)
            report["top5_overlap"] = .double(agreement.top5Overlap)
        }
        if parsed.has("--json") {
            Output.line(JSONValue.object(report).serialized())
        } else {
            Output.line(String(format: "%@ (%@): top-1 %.2f%%, top-5 %.2f%% over %d sentences", folder, precision.rawValue,
                               100 * Double(top1) / Double(max(total, 1)), 100 * Double(top5) / Double(max(total, 1)), total))
            if let against = parsed.value("--against") {
                Output.line(String(format: "against %@ (fp32): same best token %.2f%%, top-5 overlap %.2f%%", against,
                                   100 * agreement.sameTop1, 100 * agreement.top5Overlap))
            }
        }
        return ExitCode.success
    }
}
