import Synchronization
import Foundation
import JSON
import Tokenizers
import XCTest

/// Behaviour the conformance fixtures do not spell out: loading errors, round trips, the mask.
final class TokenizerBehaviourTests: XCTestCase {
    func testRobertaMaskAbsorbsTheSpaceBeforeIt() throws {
        let tokenizer = try Tokenizer.load(contentsOf: try FixturePaths.robertaTokenizer())
        let text = "I have watched this <mask> and it was awesome."
        let encoding = tokenizer.encode(text)
        let maskIndex = try XCTUnwrap(encoding.ids.firstIndex(of: 50264))
        XCTAssertEqual(encoding.tokens[maskIndex], " <mask>")
        XCTAssertEqual(encoding.offsets[maskIndex], TokenOffsets(20, 26))
        XCTAssertEqual(tokenizer.maskToken?.content, "<mask>")
        XCTAssertEqual(encoding.ids.first, 0)
        XCTAssertEqual(encoding.ids.last, 2)
    }

    func testOffsetsPointBackIntoTheText() throws {
        let tokenizer = try Tokenizer.load(contentsOf: FixturePaths.fixture("bert-uncased/tokenizer.json"))
        let text = "Héllo, Wörld! He is not feeling [MASK]."
        let scalars = Array(text.unicodeScalars)
        let encoding = tokenizer.encode(text)
        var pieces: [String] = []
        for (index, offsets) in encoding.offsets.enumerated() where !encoding.isSpecial[index] {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[offsets.start..<offsets.end])
            pieces.append(String(view))
        }
        XCTAssertEqual(pieces, ["Héllo", ",", "Wörld", "!", "He", "is", "not", "feeling", "[MASK]", "."])
    }

    func testByteLevelDecodingRoundTripsEveryFixtureText() throws {
        let tokenizer = try Tokenizer.load(contentsOf: try FixturePaths.robertaTokenizer())
        let cases = try ConformanceTests.loadCases("roberta-cases.json")
        for item in cases {
            let decoded = tokenizer.decode(tokenizer.encode(item.text).ids, skipSpecialTokens: true)
            // Byte-level BPE is lossless except that `<mask>` (lstrip) swallows the space before it,
            // and special tokens typed in the text are skipped.
            guard !item.text.contains("<") else { continue }
            XCTAssertEqual(Array(decoded.unicodeScalars), Array(item.text.unicodeScalars), "round trip of \(item.text.debugDescription)")
        }
    }

    func testEmptyTextIsOnlySpecialTokens() throws {
        let tokenizer = try Tokenizer.load(contentsOf: FixturePaths.fixture("bert-uncased/tokenizer.json"))
        XCTAssertEqual(tokenizer.encode("").tokens, ["[CLS]", "[SEP]"])
        XCTAssertEqual(tokenizer.encode("", addSpecialTokens: false).count, 0)
    }

    func testUnknownComponentTypeIsNamed() throws {
        let json = try JSONValue.parse(#"{"normalizer": {"type": "Precompiled"}, "model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}}"#)
        XCTAssertThrowsError(try Tokenizer(json: json)) { error in
            XCTAssertEqual("\(error)", #"unsupported normalizer type "Precompiled""#)
        }
        let model = try JSONValue.parse(#"{"model": {"type": "Unigram", "vocab": []}}"#)
        XCTAssertThrowsError(try Tokenizer(json: model)) { error in
            XCTAssertEqual("\(error)", #"unsupported model type "Unigram""#)
        }
    }

    func testMissingOrCorruptFileIsAClearError() throws {
        XCTAssertThrowsError(try Tokenizer.load(contentsOf: "/nonexistent/tokenizer.json")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/tokenizer.json"), "\(error)")
        }
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-corrupt-\(UUID()).json")
        try Data("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [".utf8).write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        XCTAssertThrowsError(try Tokenizer.load(contentsOf: corrupt.path)) { error in
            XCTAssertTrue("\(error)".contains("invalid JSON"), "\(error)")
        }
    }

    func testBrokenMergeIsAnErrorNotACrash() throws {
        let json = try JSONValue.parse(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}"#)
        XCTAssertThrowsError(try Tokenizer(json: json)) { error in
            XCTAssertTrue("\(error)".contains("\"ab\""), "\(error)")
        }
    }

    func testSingleWordAndRightStripAddedTokens() throws {
        let json = try JSONValue.parse(#"""
            {"added_tokens": [
              {"id": 2, "content": "cat", "single_word": true, "lstrip": false, "rstrip": true, "normalized": false, "special": false}],
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 1, "cat": 2, "##s": 3, "s": 4, "##cat": 5}}}
            """#)
        let tokenizer = try Tokenizer(json: json)
        let standalone = tokenizer.encode("a cat  a")
        XCTAssertEqual(standalone.tokens, ["a", "cat  ", "a"])
        XCTAssertEqual(standalone.offsets, [TokenOffsets(0, 1), TokenOffsets(2, 7), TokenOffsets(7, 8)])
        // Inside a word the single-word token does not match; WordPiece sees "acats".
        XCTAssertEqual(tokenizer.encode("acats").tokens, ["a", "##cat", "##s"])
    }

    func testConcurrentEncodingGivesTheSameResult() throws {
        let tokenizer = try Tokenizer.load(contentsOf: try FixturePaths.robertaTokenizer())
        let texts = (0..<64).map { "Sentence number \($0) about <mask> and émoji 😀 \($0 * 7)" }
        let expected = texts.map { tokenizer.encode($0) }
        let results = Mutex<[Int: Encoding]>([:])
        DispatchQueue.concurrentPerform(iterations: texts.count) { index in
            let encoding = tokenizer.encode(texts[index])
            results.withLock { $0[index] = encoding }
        }
        for index in texts.indices {
            XCTAssertEqual(results.withLock { $0[index] }, expected[index])
        }
    }
}
