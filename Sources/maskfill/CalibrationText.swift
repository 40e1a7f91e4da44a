import Foundation
import Inference
import Tokenizers

/// `quantize --calibration FILE`: the file's lines as token-id sequences for activation smoothing,
/// tokenized by the source model's own tokenizer.
enum CalibrationText {
    struct Failure: Error {
        let message: String
    }

    static func smoothing(file: String, model folder: String, alpha: String?, lines: String?) -> Result<ActivationSmoothing, Failure> {
        let alphaValue = alpha.map { Float($0) } ?? 0.5
        guard let alphaValue, alphaValue >= 0, alphaValue <= 1 else {
            return .failure(Failure(message: "--alpha must be a number from 0 to 1"))
        }
        let lineLimit = lines.map { Int($0) } ?? 128
        guard let lineLimit, lineLimit > 0 else { return .failure(Failure(message: "--calibration-lines must be a positive whole number")) }
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(Failure(message: "cannot read the calibration file \(file)"))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(Failure(message: "\(file) is not valid UTF-8"))
        }
        let tokenizer: Tokenizer
        let maxTokens: Int
        do {
            tokenizer = try Tokenizer.load(contentsOf: folder + "/tokenizer.json")
            maxTokens = try ModelConfig.load(contentsOf: folder + "/config.json").maxTokens
        } catch {
            return .failure(Failure(message: "\(error)"))
        }
        let chosen = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .prefix(lineLimit)
        guard !chosen.isEmpty else { return .failure(Failure(message: "\(file) has no text to calibrate on")) }
        let sequences = chosen.map { line in truncated(tokenizer.encode(line).ids, to: maxTokens) }
        return .success(ActivationSmoothing(calibration: sequences, alpha: alphaValue, progress: report))
    }

    /// A line on stderr at every tenth of the calibration text (and at the end).
    static func report(done: Int, total: Int) {
        let step = max(1, total / 10)
        if done % step == 0 || done == total { Output.error("calibrated \(done)/\(total)") }
    }

    /// At most `limit` ids, keeping the closing special token the tokenizer put last.
    static func truncated(_ ids: [Int], to limit: Int) -> [Int] {
        guard ids.count > limit, let last = ids.last, limit >= 2 else { return Array(ids.prefix(limit)) }
        return Array(ids.prefix(limit - 1)) + [last]
    }
}
