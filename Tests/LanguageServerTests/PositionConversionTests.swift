@testable import LanguageServer
import XCTest

/// Positions in UTF-8, UTF-16 and UTF-32 units against byte offsets: surrogate pairs, CJK,
/// combining marks, line terminators, and clamping of positions out of range.
final class PositionConversionTests: XCTestCase {
    func document(_ text: String) -> TextDocument {
        TextDocument(uri: "file:///t.txt", languageID: "plaintext", version: 1, text: text)
    }

    func byteOffset(of needle: String, in text: String) -> Int {
        guard let range = text.range(of: needle) else { return -1 }
        return text.utf8.distance(from: text.startIndex, to: range.lowerBound)
    }

    func testEmojiAndCJKBeforeAMask() {
        let text = "a😀b 中文 e\u{301} <mask> end"
        let doc = document(text)
        let mask = byteOffset(of: "<mask>", in: text)
        // 'a' 1, 😀 2 units in UTF-16 (4 bytes, 1 scalar), 'b', ' ', 中 文 (3 bytes each), ' ', e + combining acute (2 scalars), ' '.
        let expected: [PositionEncoding: Int] = [.utf8: mask, .utf16: 11, .utf32: 10]
        for (encoding, character) in expected {
            XCTAssertEqual(doc.position(of: mask, encoding: encoding), Position(line: 0, character: character), encoding.rawValue)
            XCTAssertEqual(doc.offset(of: Position(line: 0, character: character), encoding: encoding), mask, encoding.rawValue)
        }
        XCTAssertEqual(character(of: mask, in: text, .utf16), text.utf16.distance(from: text.startIndex, to: text.range(of: "<mask>")!.lowerBound))
    }

    private func character(of offset: Int, in text: String, _ encoding: PositionEncoding) -> Int {
        document(text).position(of: offset, encoding: encoding).character
    }

    func testPositionInsideASurrogatePairRoundsDown() {
        let doc = document("x😀y")
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 1), encoding: .utf16), 1)
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 2), encoding: .utf16), 1, "between the surrogates")
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 3), encoding: .utf16), 5)
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 3), encoding: .utf8), 1, "inside the UTF-8 sequence")
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 2), encoding: .utf32), 5)
    }

    func testEveryScalarBoundaryRoundTripsInEveryEncoding() {
        let text = "Zoë 🙂🙂\n中文字\r\nmixed 𝔘𝔫𝔦 text\rlast 😀"
        let doc = document(text)
        var offset = 0
        var boundaries: [Int] = []
        for scalar in text.unicodeScalars {
            boundaries.append(offset)
            offset += String(scalar).utf8.count
        }
        boundaries.append(offset)
        for encoding in PositionEncoding.allCases {
            for boundary in boundaries {
                let bytes = Array(text.utf8)
                // Offsets inside a line terminator map to the line's end, not back to themselves.
                if boundary > 0, bytes[boundary - 1] == 0x0D, boundary < bytes.count, bytes[boundary] == 0x0A { continue }
                XCTAssertEqual(doc.offset(of: doc.position(of: boundary, encoding: encoding), encoding: encoding), boundary, "\(encoding) \(boundary)")
            }
        }
    }

    func testLineTerminators() {
        let doc = document("one\r\ntwo\rthree\nfour")
        XCTAssertEqual(doc.lines.count, 4)
        XCTAssertEqual(doc.offset(of: Position(line: 1, character: 0), encoding: .utf16), 5)
        XCTAssertEqual(doc.offset(of: Position(line: 2, character: 0), encoding: .utf16), 9)
        XCTAssertEqual(doc.offset(of: Position(line: 3, character: 2), encoding: .utf16), 17)
        XCTAssertEqual(doc.position(of: 4, encoding: .utf16), Position(line: 0, character: 3), "the \\n of a \\r\\n")
    }

    func testOutOfRangePositionsClamp() {
        let doc = document("ab\r\ncd")
        XCTAssertEqual(doc.offset(of: Position(line: 0, character: 99), encoding: .utf16), 2, "past the line's end: the end, before \\r\\n")
        XCTAssertEqual(doc.offset(of: Position(line: 7, character: 0), encoding: .utf16), 6, "past the last line: the end")
        XCTAssertEqual(doc.offset(of: Position(line: -3, character: -1), encoding: .utf16), 0)
        XCTAssertEqual(doc.offset(of: Position(line: Int.max, character: Int.max), encoding: .utf8), 6)
        XCTAssertEqual(doc.position(of: 1000, encoding: .utf16), Position(line: 1, character: 2))
        XCTAssertEqual(document("").offset(of: Position(line: 0, character: 5), encoding: .utf16), 0)
    }

    func testIncrementalEditsInUTF16() {
        var doc = document("I saw a 😀 and a <mask>.")
        // Replace the emoji (2 UTF-16 units at character 8) with "cat".
        doc.apply(range: TextRange(start: Position(line: 0, character: 8), end: Position(line: 0, character: 10)), text: "cat", encoding: .utf16)
        XCTAssertEqual(doc.text, "I saw a cat and a <mask>.")
        // Insert a line break and an emoji before the mask.
        doc.apply(range: TextRange(start: Position(line: 0, character: 16), end: Position(line: 0, character: 16)), text: "\n🙂 ", encoding: .utf16)
        XCTAssertEqual(doc.text, "I saw a cat and \n🙂 a <mask>.")
        XCTAssertEqual(doc.position(of: doc.text.utf8.count - 7, encoding: .utf16), Position(line: 1, character: 5))
        // An end before the start is an insertion at the start; a whole-text change replaces all.
        doc.apply(range: TextRange(start: Position(line: 1, character: 0), end: Position(line: 0, character: 0)), text: "x", encoding: .utf16)
        XCTAssertEqual(doc.text, "I saw a cat and \nx🙂 a <mask>.")
        doc.apply(range: nil, text: "new", encoding: .utf16)
        XCTAssertEqual(doc.text, "new")
    }

    func testNegotiation() {
        XCTAssertEqual(PositionEncoding.negotiate(clientOffers: []), .utf16)
        XCTAssertEqual(PositionEncoding.negotiate(clientOffers: ["utf-8", "utf-16"]), .utf8)
        XCTAssertEqual(PositionEncoding.negotiate(clientOffers: ["latin-1", "utf-32"]), .utf32)
        XCTAssertEqual(PositionEncoding.negotiate(clientOffers: ["ebcdic"]), .utf16)
    }
}

/// The line table kept up to date edit by edit must equal one built from scratch.
final class LineTableTests: XCTestCase {
    func testIncrementalUpdatesMatchAFullScan() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "bc", "\n", "\r", "\r\n", "é", "😀", " ", "\n\n", "\r\r\n"]
        for _ in 0..<300 {
            var bytes: [UInt8] = Array((0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
            var table = LineTable(bytes)
            for _ in 0..<10 {
                let lower = Int.random(in: 0...bytes.count, using: &generator)
                let upper = Int.random(in: lower...bytes.count, using: &generator)
                let inserted = Array((0..<Int.random(in: 0...3, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined().utf8)
                bytes.replaceSubrange(lower..<upper, with: inserted)
                table.update(replacing: lower..<upper, insertedCount: inserted.count, in: bytes)
                XCTAssertEqual(table, LineTable(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }
}
