import Foundation
import JSON
import XCTest

/// `maskfill fill`, `quantize` and `bench` as a user runs them.
final class FillCommandTests: XCTestCase {
    static let tinyBert = Fixtures.tokenizers.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("InferenceTests/Fixtures/tiny-bert").path

    func testJSONHasThePipelineShape() throws {
        let one = try MaskfillProcess.run(["fill", "--model", Self.tinyBert, "--precision", "fp32", "--json", "He is not feeling <mask>"])
        XCTAssertEqual(one.status, 0, one.stderr)
        let candidates = try XCTUnwrap(try JSONValue.parse(one.stdout).arrayValue)
        XCTAssertEqual(candidates.count, 5)
        XCTAssertEqual(candidates[0].objectValue?.members.map(\.key), ["score", "token", "token_str", "sequence"])
        // Reference: transformers' pipeline on the same checkpoint (Fixtures/tiny-bert/expected.json, case 0).
        let expected = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: Self.tinyBert + "/expected.json")))
        let reference = try XCTUnwrap(expected["cases"]?.arrayValue?.first?["pipeline"]?.arrayValue)
        XCTAssertEqual(candidates.compactMap { $0["token"]?.intValue }, reference.compactMap { $0["token"]?.intValue })
        XCTAssertEqual(candidates.compactMap { $0["sequence"]?.stringValue }, reference.compactMap { $0["sequence"]?.stringValue })

        let two = try MaskfillProcess.run(["fill", "--model", Self.tinyBert, "--json", "--top-k", "3", "The <mask> sat on the <mask>."])
        XCTAssertEqual(two.status, 0, two.stderr)
        let perMask = try XCTUnwrap(try JSONValue.parse(two.stdout).arrayValue)
        XCTAssertEqual(perMask.count, 2)
        XCTAssertEqual(perMask.map { $0.arrayValue?.count }, [3, 3])
    }

    func testErrorsAreOneLineWithExitCode2() throws {
        for arguments in [
            ["fill", "--model", Self.tinyBert, "no mask here"],
            ["fill", "--model", "/nonexistent/model", "a <mask>"],
            ["fill", "--model", Self.tinyBert, "--top-k", "zero", "a <mask>"],
            ["fill", "--model", Self.tinyBert, "--precision", "int4", "a <mask>"],
            ["quantize", "/nonexistent/model", "/tmp/maskfill-never-written"],
        ] {
            let result = try MaskfillProcess.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
        }
    }

    func testQuantizeThenFillAndBench() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-cli-int8-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: destination) }
        let quantized = try MaskfillProcess.run(["quantize", Self.tinyBert, destination])
        XCTAssertEqual(quantized.status, 0, quantized.stderr)
        let fill = try MaskfillProcess.run(["fill", "--model", destination, "He is not feeling <mask>."])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        XCTAssertEqual(fill.stdout.split(separator: "\n").count, 5, fill.stdout)

        let bench = try MaskfillProcess.run(["bench", "--model", destination, "--runs", "2", "--json", "--input", "a <mask> b"])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let report = try JSONValue.parse(bench.stdout)
        XCTAssertNotNil(report["load_ms"]?.doubleValue)
        XCTAssertNotNil(report["peak_rss_mb"]?.doubleValue)
        let results = try XCTUnwrap(report["results"]?.arrayValue)
        XCTAssertEqual(results.compactMap { $0["precision"]?.stringValue }, ["int8", "fp32"])
        XCTAssertEqual(results.first?.objectValue?.members.map(\.key), ["input", "tokens", "precision", "median_ms", "p95_ms"])
    }
}
