import Foundation
import Inference

/// `maskfill quantize HF_DIR OUT_DIR`: writes an int8 model folder that later loads by mmap.
enum QuantizeCommand {
    static let help = """
        Usage: maskfill quantize [--calibration FILE [--alpha A] [--calibration-lines N]] HF_DIR OUT_DIR

        Reads a Hugging Face masked-LM folder (config.json, model.safetensors in F32/F16/BF16,
        tokenizer.json) and writes an int8 folder of the same layout to OUT_DIR: weights I8 with
        an F32 scale per output channel, config.json recording the quantization, tokenizer.json.

        --calibration FILE  smooth the activations of the products that read LayerNorm outputs
                            (query/key/value, intermediate, the head's dense layer): each line of
                            FILE (plain text, the kind of text the model will see) is run through
                            the fp32 model to measure each channel's range, and part of that range
                            moves into the weights (SmoothQuant). Adds X.input_scale tensors
                            (format_version 2, read by this MaskFill and later ones).
        --alpha A           SmoothQuant's migration strength, 0 to 1 (default 0.5): each channel's
                            factor is max|x|^A / max|w|^(1-A), so higher A moves more of the
                            activations' range into the weights
        --calibration-lines N   use the first N non-empty lines (default 128; each takes one fp32
                            pass, from milliseconds for a small model to seconds for a large one)
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser.parse(arguments, valued: ["--calibration", "--alpha", "--calibration-lines"], flags: ["--help", "-h"])
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
        var smoothing: ActivationSmoothing?
        if let file = parsed.value("--calibration") {
            switch CalibrationText.smoothing(file: file, model: source, alpha: parsed.value("--alpha"), lines: parsed.value("--calibration-lines")) {
            case .success(let options):
                smoothing = options
                Output.error("calibrating on \(options.calibration.count) lines of \(file)")
            case .failure(let error):
                Output.error("maskfill quantize: \(error.message)")
                return ExitCode.usage
            }
        } else if parsed.value("--alpha") != nil || parsed.value("--calibration-lines") != nil {
            Output.error("maskfill quantize: --alpha and --calibration-lines go with --calibration FILE")
            return ExitCode.usage
        }
        do {
            try Int8Export.quantize(folder: source, to: destination, smoothing: smoothing)
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
