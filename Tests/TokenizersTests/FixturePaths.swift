import Foundation
import XCTest

/// Where the committed fixtures and the shared RoBERTa tokenizer live, relative to this file.
enum FixturePaths {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String {
        fixtures.appendingPathComponent(name).path
    }

    /// ../shared/tokenizers/roberta/tokenizer.json beside the repository; the test is skipped,
    /// saying why, when the shared folder is not there.
    static func robertaTokenizer() throws -> String {
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/tokenizers/roberta/tokenizer.json").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("skipped: the shared RoBERTa tokenizer is not at \(path) (../shared is absent)")
        }
        return path
    }
}
