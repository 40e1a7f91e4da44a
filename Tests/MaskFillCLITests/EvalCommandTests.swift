import Foundation
import JSON
import XCTest

/// `maskfill eval`, with and without `--against`.
final class EvalCommandTests: XCTestCase {
    /// Single-mask sentences of Fixtures/tiny-bert/expected.json, each answered by transformers'
    /// best candidate for it, so an exact fp32 engine scores 1 on every measure.
    func writeSentences() throws -> String {
        let expected = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: FillCommandTests.tinyBert + "/expected.json")))
        let cases = try XCTUnwrap(expected["cases"]?.arrayValue)
        var lines: [String] = []
        for item in cases {
            guard let text = item["text"]?.stringValue, let best = item["pipeline"]?.arrayValue?.first?["token_str"]?.stringValue,
                best.allSatisfy(\.isLetter)
            else { continue }
            lines.append(JSONValue.object(JSONObject([.init(key: "text", value: .string(text)), .init(key: "answer", value: .string(best))])).serialized())
        }
        XCTAssertGreaterThanOrEqual(lines.count, 4)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-eval-\(UUID()).jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testFP32AgreesWithItselfAndMatchesTheReference() throws {
        let sentences = try writeSentences()
        defer { try? FileManager.default.removeItem(atPath: sentences) }
        let run = try MaskfillProcess.run(["eval", "--model", FillCommandTests.tinyBert, "--precision", "fp32",
                                           "--against", FillCommandTests.tinyBert, "--json", sentences])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try JSONValue.parse(run.stdout)
        XCTAssertGreaterThanOrEqual(report["n"]?.intValue ?? 0, 4)
        for key in ["top1", "top5", "same_top1", "top5_overlap"] {
            XCTAssertEqual(report[key]?.doubleValue, 1.0, key)
        }
    }

    func testInt8AgainstItsCheckpointReportsAgreement() throws {
        let sentences = try writeSentences()
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-eval-int8-\(UUID())").path
        defer {
            try? FileManager.default.removeItem(atPath: sentences)
            try? FileManager.default.removeItem(atPath: destination)
        }
        XCTAssertEqual(try MaskfillProcess.run(["quantize", FillCommandTests.tinyBert, destination]).status, 0)
        let run = try MaskfillProcess.run(["eval", "--model", destination, "--against", FillCommandTests.tinyBert, sentences])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, run.stdout)
        XCTAssertTrue(lines.last?.hasPrefix("against \(FillCommandTests.tinyBert) (fp32): same best token ") ?? false, run.stdout)
    }

    func testAnUnreadableReferenceIsAUsageError() throws {
        let sentences = try writeSentences()
        defer { try? FileManager.default.removeItem(atPath: sentences) }
        try checkUsageError(sentences, against: "/nonexistent/model")
    }

    /// Agreement compares token ids, so a reference with another vocabulary (tiny-roberta, with
    /// the shared distilroberta tokenizer linked in) is refused rather than scored.
    func testAReferenceWithAnotherVocabularyIsAUsageError() throws {
        let tokenizer = Fixtures.tokenizers.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/tokenizers/roberta/tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizer.path) else {
            throw XCTSkip("skipped: needs the shared RoBERTa tokenizer at \(tokenizer.path) (../shared is absent)")
        }
        let fixture = URL(fileURLWithPath: FillCommandTests.tinyBert).deletingLastPathComponent().appendingPathComponent("tiny-roberta")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-eval-roberta-\(UUID())")
        let sentences = try writeSentences()
        defer {
            try? FileManager.default.removeItem(atPath: sentences)
            try? FileManager.default.removeItem(at: folder)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(file), withDestinationURL: fixture.appendingPathComponent(file))
        }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("tokenizer.json"), withDestinationURL: tokenizer)
        let message = try checkUsageError(sentences, against: folder.path)
        XCTAssertTrue(message.contains("another vocabulary"), message)
    }

    @discardableResult
    func checkUsageError(_ sentences: String, against reference: String) throws -> String {
        let run = try MaskfillProcess.run(["eval", "--model", FillCommandTests.tinyBert, "--against", reference, sentences])
        XCTAssertEqual(run.status, 2, reference)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("maskfill eval: --against: "), run.stderr)
        XCTAssertEqual(run.stdout, "")
        return run.stderr
    }
}
