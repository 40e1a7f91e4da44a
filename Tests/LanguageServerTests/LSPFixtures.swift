import FillMask
import Foundation
import Inference
@testable import LanguageServer

/// The model the language-server tests run. They assert behaviour (ranges, ordering, versions,
/// edits), not particular words, so another model folder works by changing `modelFolder`.
enum LSPFixtures {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// A complete BERT model folder (random weights, the real uncased tokenizer, mask `[MASK]`).
    static let modelFolder = testsFolder.appendingPathComponent("InferenceTests/Fixtures/tiny-bert").path

    /// The precision `maskfill lsp` uses by default, so in-process expectations match the binary.
    static let precision = Precision.int8

    /// Loaded once for all tests (it is immutable and thread-safe).
    nonisolated(unsafe) private static var cached: FillMaskPipeline?
    private static let lock = NSLock()

    static func pipeline() throws -> FillMaskPipeline {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let loaded = try FillMaskPipeline(folder: modelFolder, precision: precision)
        cached = loaded
        return loaded
    }

    /// What the server should offer for the single mask of `windowText` (the model's mask
    /// spelling), computed in process the way the server does.
    static func expectedSuggestions(_ windowText: String, topK: Int = 5) throws -> [Suggestion] {
        let pipeline = try pipeline()
        let candidates = try pipeline.fill(windowText, topK: Suggestion.deepestRanking)
        return Array(Suggestion.ranked(candidates[0], pipeline: pipeline).prefix(topK))
    }
}
