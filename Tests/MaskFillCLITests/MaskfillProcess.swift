import Foundation
import TestSupport

/// Runs the `maskfill` executable SwiftPM built beside the tests.
enum MaskfillProcess {
    static func run(_ arguments: [String], stdin: String? = nil) throws -> ChildProcess.Outcome {
        try ChildProcess.run(BuiltProducts.maskfill, arguments, stdin: stdin ?? "")
    }
}

enum Fixtures {
    static let tokenizers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TokenizersTests/Fixtures")

    static var bertUncased: String { tokenizers.appendingPathComponent("bert-uncased/tokenizer.json").path }
}
