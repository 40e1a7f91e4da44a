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
        // "a{c}b c"; a fixture never holds a surrogate, and one would show up as a failure
        let cases = points.map { point in
            (label: String(format: "U+%04X", point),
             text: "a" + (Unicode.Scalar(UInt32(point)).map { String(Character($0)) } ?? "\u{FFFD}") + "b c")
        }
        assertMatchesPython(tokenizer, cases, expected, what: "code points", file: file, line: line)
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
