import Foundation
import Inference

/// `maskfill quantize HF_DIR OUT_DIR`: writes an int8 model folder that later loads by mmap.
enum QuantizeCommand {
    static let help = """
        Usage: maskfill quantize HF_DIR OUT_DIR

        Reads a Hugging Face masked-LM folder (config.json, model.safetensors in F32/F16/BF16,
        tokenizer.json) and writes an int8 folder of the same layout to OUT_DIR: weights I8 with
        an F32 scale per output channel, config.json recording the quantization, tokenizer.json.
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(arguments, valued: [], flags: ["--help", "-h"])
        } catch {
            Output.error("maskfill quantize: \(error) (see 'maskfill quantize --help')")
            return ExitCode.usage
        }
        if parsed.has("--help") || parsed.has("-h") {
            Output.line(help)
            return ExitCode.success
        }
        guard parsed.positionals.count == 2 else {
            Output.error("maskfill quantize: give a source folder and an output folder")
            return ExitCode.usage
        }
        let (source, destination) = (parsed.positionals[0], parsed.positionals[1])
        let start = ContinuousClock.now
        do {
            try Int8Export.quantize(folder: source, to: destination)
        } catch {
            Output.error("maskfill quantize: \(error)")
            return ExitCode.usage
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination + "/model.safetensors")[.size] as? Int) ?? 0
        Output.error(String(format: "wrote %@ (model.safetensors %.1f MB) in %.2f s", destination, Double(size) / 1e6,
                            TokenizeBenchmark.milliseconds(ContinuousClock.now - start) / 1000))
        return ExitCode.success
    }
}
