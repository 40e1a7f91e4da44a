import JSON
import XCTest

final class JSONParserTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#"{"a": [1, -2.5e3, true, false, null, "x"], "b": {}, "c": []}"#)
        XCTAssertEqual(value["a"], [1, -2500.0, true, false, nil, "x"])
        XCTAssertEqual(value["b"], .object(JSONObject()))
        XCTAssertEqual(value["c"], .array([]))
    }

    func testKeepsIntegersExactAndMemberOrder() throws {
        let value = try JSONValue.parse(#"{"z": 9007199254740993, "a": 0, "m": -0}"#)
        XCTAssertEqual(value["z"], .int(9_007_199_254_740_993))
        XCTAssertEqual(value.objectValue?.members.map(\.key), ["z", "a", "m"])
    }

    func testDecodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00""#)
        XCTAssertEqual(value.stringValue?.unicodeScalars.map(\.value), Array("a\"b\\c/d\u{8}\u{c}\n\r\té😀".unicodeScalars).map(\.value))
    }

    func testRejectsMalformedText() {
        let bad = [
            "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"",
            "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "{1: 2}", "\"a\u{1}b\"", "NaN", "[1e]",
        ]
        for text in bad {
            XCTAssertThrowsError(try JSONValue.parse(text), "should reject \(text.debugDescription)")
        }
    }

    func testReplacesLoneSurrogateEscapesWhenAsked() throws {
        let cases: [(String, String)] = [
            (#""\ud800""#, "\u{FFFD}"), (#""\udc00x""#, "\u{FFFD}x"), (#""\ud800\u0041""#, "\u{FFFD}A"),
            (#""\ud800\ud800\udc00""#, "\u{FFFD}\u{10000}"), (#""\ud83d\ude00""#, "😀"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONValue.parse(text, loneSurrogates: .replace).stringValue, expected, text)
            if expected != "😀" { XCTAssertThrowsError(try JSONValue.parse(text), "rejected by default: \(text)") }
        }
    }

    func testRejectsInvalidUTF8() {
        XCTAssertThrowsError(try JSONValue.parse([0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
        }
        XCTAssertThrowsError(try JSONValue.parse([0x22, 0xFF, 0x22]))
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONValue.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nesting"), "\(error)")
        }
        XCTAssertNoThrow(try JSONValue.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)))
    }

    func testErrorsSayWhere() {
        XCTAssertThrowsError(try JSONValue.parse("[1, 2, x]")) { error in
            XCTAssertEqual((error as? JSONParseError)?.offset, 7)
        }
    }
}

final class JSONWriterTests: XCTestCase {
    func testWritesCompactJSONInOrder() {
        let value: JSONValue = ["score": 0.5, "token": 3473, "token_str": " comfortable", "ok": true, "none": nil]
        XCTAssertEqual(value.serialized(), #"{"score":0.5,"token":3473,"token_str":" comfortable","ok":true,"none":null}"#)
    }

    func testEscapesControlCharactersAndKeepsUnicode() {
        let value = JSONValue.string("a\"\\\n\t\u{1}\u{7f}é😀")
        XCTAssertEqual(value.serialized(), #""a\"\\\n\t\u0001\u007fé😀""#)
    }

    func testNonFiniteDoublesBecomeNull() {
        XCTAssertEqual(JSONValue.array([.double(.infinity), .double(.nan)]).serialized(), "[null,null]")
    }

    func testRoundTrips() throws {
        let value: JSONValue = ["a": [1, 2.25, "x\u{0}y", ["b": nil]], "c": -7, "d": 1e-7]
        XCTAssertEqual(try JSONValue.parse(value.serialized()), value)
    }
}
