import Foundation
import JSON
import Tokenizers
import XCTest

/// Ids, tokens, offsets and decoded text must equal what Python `tokenizers` gave for the same
/// strings (fixtures written by Fixtures/generate_fixtures.py).
final class ConformanceTests: XCTestCase {
    struct Case {
        var text: String
        var ids: [Int]
        var tokens: [String]
        var offsets: [TokenOffsets]
        var decoded: String
        var decodedSkippingSpecial: String
    }

    static func loadCases(_ name: String) throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture(name)))
        let json = try JSONValue.parse(data)
        let cases = try XCTUnwrap(json["cases"]?.arrayValue, "\(name) has no cases")
        return try cases.map { item in
            Case(
                text: try XCTUnwrap(item["text"]?.stringValue),
                ids: try XCTUnwrap(item["ids"]?.arrayValue).compactMap(\.intValue),
                tokens: try XCTUnwrap(item["tokens"]?.arrayValue).compactMap(\.stringValue),
                offsets: try XCTUnwrap(item["offsets"]?.arrayValue).map { pair in
                    let values = pair.arrayValue?.compactMap(\.intValue) ?? []
                    return TokenOffsets(values.first ?? -1, values.last ?? -1)
                },
                decoded: try XCTUnwrap(item["decoded"]?.stringValue),
                decodedSkippingSpecial: try XCTUnwrap(item["decoded_skip_special"]?.stringValue)
            )
        }
    }

    func check(tokenizer: Tokenizer, fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cases = try Self.loadCases(fixture)
        XCTAssertGreaterThanOrEqual(cases.count, 500, "\(fixture) should hold at least 500 strings", file: file, line: line)
        var failures: [String] = []
        for item in cases {
            let encoding = tokenizer.encode(item.text)
            let text = JSONValue.string(item.text).serialized()
            if encoding.ids != item.ids {
                failures.append("\(text): ids \(encoding.ids) != expected \(item.ids)")
            } else if encoding.tokens != item.tokens {
                failures.append("\(text): tokens \(encoding.tokens) != expected \(item.tokens)")
            } else if encoding.offsets != item.offsets {
                let got = encoding.offsets.map { "(\($0.start),\($0.end))" }.joined()
                let want = item.offsets.map { "(\($0.start),\($0.end))" }.joined()
                failures.append("\(text): offsets \(got) != expected \(want)")
            }
            let decoded = tokenizer.decode(item.ids)
            if !decoded.unicodeScalars.elementsEqual(item.decoded.unicodeScalars) {
                failures.append("\(text): decode \(JSONValue.string(decoded).serialized()) != expected \(JSONValue.string(item.decoded).serialized())")
            }
            let skipped = tokenizer.decode(item.ids, skipSpecialTokens: true)
            if !skipped.unicodeScalars.elementsEqual(item.decodedSkippingSpecial.unicodeScalars) {
                failures.append("\(text): decode(skip_special) \(JSONValue.string(skipped).serialized()) != expected \(JSONValue.string(item.decodedSkippingSpecial).serialized())")
            }
        }
        XCTAssertTrue(
            failures.isEmpty,
            "\(failures.count) of \(cases.count) cases differ from Python tokenizers:\n" + failures.prefix(15).joined(separator: "\n"),
            file: file, line: line
        )
    }

    func testRobertaMatchesPythonTokenizers() throws {
        let tokenizer = try Tokenizer.load(contentsOf: try FixturePaths.robertaTokenizer())
        try check(tokenizer: tokenizer, fixture: "roberta-cases.json")
    }

    func testBertUncasedMatchesPythonTokenizers() throws {
        let tokenizer = try Tokenizer.load(contentsOf: FixturePaths.fixture("bert-uncased/tokenizer.json"))
        try check(tokenizer: tokenizer, fixture: "bert-uncased-cases.json")
    }

    func testBertCasedMatchesPythonTokenizers() throws {
        let tokenizer = try Tokenizer.load(contentsOf: FixturePaths.fixture("bert-cased/tokenizer.json"))
        try check(tokenizer: tokenizer, fixture: "bert-cased-cases.json")
    }
}
