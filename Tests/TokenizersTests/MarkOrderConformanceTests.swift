import Foundation
import JSON
import Tokenizers
import XCTest

/// Random strings of letters, precomposed letters and combining marks of many classes (and
/// marks newer than `tokenizers`' tables), where NFD must reorder marks and hand out alignments
/// by position: ids and offsets must be Python's (Fixtures/mark-order-cases.json, written by
/// Fixtures/generate_character_tables.py).
final class MarkOrderConformanceTests: XCTestCase {
    static func fixture() throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("mark-order-cases.json"))))
    }

    func check(_ tokenizer: Tokenizer, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = try Self.fixture()
        let texts = try XCTUnwrap(fixture["texts"]?.arrayValue).compactMap(\.stringValue)
        let expected = try XCTUnwrap(fixture["tokenizers"]?[name]?.arrayValue, name)
        let cases = texts.map { text in
            (label: "[" + text.unicodeScalars.map { String(format: "%04X", $0.value) }.joined(separator: " ") + "]", text: text)
        }
        assertMatchesPython(tokenizer, cases, expected, what: "strings", file: file, line: line)
    }

    func testBertUncased() throws {
        try check(Tokenizer.load(contentsOf: FixturePaths.fixture("bert-uncased/tokenizer.json")), "bert-uncased")
    }

    func testBertCased() throws {
        try check(Tokenizer.load(contentsOf: FixturePaths.fixture("bert-cased/tokenizer.json")), "bert-cased")
    }

    func testStripAccentsNormalizer() throws {
        try check(tokenizer(normalizer: "bert-strip-accents"), "bert-strip-accents")
    }

    func testNFDNormalizer() throws {
        try check(tokenizer(normalizer: "bert-nfd"), "bert-nfd")
    }

    /// The uncased tokenizer with the fixture's normalizer of that name.
    private func tokenizer(normalizer name: String) throws -> Tokenizer {
        guard case .object(var json) = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("bert-uncased/tokenizer.json"))))
        else { throw XCTSkip("unreachable: tokenizer.json is an object") }
        json["normalizer"] = try XCTUnwrap(Self.fixture()["normalizers"]?[name])
        return try Tokenizer(json: .object(json))
    }
}
