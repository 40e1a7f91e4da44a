import Foundation
import JSON
import Tokenizers
import XCTest

/// "a{c}b c" for the code points where Python `tokenizers`' character classes (BERT cleaning,
/// punctuation, accent stripping, StripAccents) differ from plain Unicode, and a sample of the
/// rest: ids and offsets must be Python's (Fixtures/code-point-cases.json, written by
/// Fixtures/generate_character_tables.py, which also writes Sources/Tokenizers/CharacterTables.swift).
final class CodePointConformanceTests: XCTestCase {
    static func fixture() throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("code-point-cases.json"))))
    }

    func check(_ tokenizer: Tokenizer, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try Self.fixture()
        let points = try XCTUnwrap(fixture["code_points"]?.arrayValue).compactMap(\.intValue)
        let expected = try XCTUnwrap(fixture["tokenizers"]?[name]?.arrayValue, name)
        XCTAssertEqual(points.count, expected.count)
        XCTAssertGreaterThan(points.count, 1000, file: file, line: line)
        var failures: [String] = []
        for (point, want) in zip(points, expected) {
            guard let scalar = Unicode.Scalar(UInt32(point)) else { continue }
            let encoding = tokenizer.encode("a" + String(Character(scalar)) + "b c")
            if let mismatch = ExpectedEncoding(want).mismatch(encoding) {
                failures.append(String(format: "U+%04X: ", point) + mismatch)
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(points.count) code points differ from Python tokenizers:\n"
                      + failures.prefix(12).joined(separator: "\n"), file: file, line: line)
    }

    func testBertUncased() throws {
        try check(Tokenizer.load(contentsOf: FixturePaths.fixture("bert-uncased/tokenizer.json")), "bert-uncased")
    }

    func testBertCased() throws {
        try check(Tokenizer.load(contentsOf: FixturePaths.fixture("bert-cased/tokenizer.json")), "bert-cased")
    }

    /// The uncased tokenizer with Sequence[NFD, Lowercase, StripAccents] for its normalizer.
    func testStripAccentsNormalizer() throws {
        guard case .object(var json) = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("bert-uncased/tokenizer.json"))))
        else { return XCTFail("tokenizer.json is not an object") }
        json["normalizer"] = try XCTUnwrap(Self.fixture()["strip_accents_normalizer"])
        try check(Tokenizer(json: .object(json)), "bert-strip-accents")
    }
}
