import JSON
@testable import LanguageServer
import XCTest

/// Decoding bodies into requests, notifications and responses, and the error each bad body gets.
final class JSONRPCMessageTests: XCTestCase {
    func decode(_ text: String) -> Result<IncomingMessage, MessageDecodingFailure> {
        IncomingMessage.decode(Array(text.utf8))
    }

    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> MessageDecodingFailure? {
        guard case .failure(let failure) = decode(text) else {
            XCTFail("\(text) decoded", file: file, line: line)
            return nil
        }
        return failure
    }

    func testRequestsNotificationsAndResponses() {
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).get(), .request(.number(1), method: "shutdown", params: .null))
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","id":"a","method":"m","params":[1]}"#).get(), .request(.string("a"), method: "m", params: [1]))
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","method":"exit"}"#).get(), .notification(method: "exit", params: .null))
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","id":"x","result":{"applied":true}}"#).get(), .response(.string("x"), .success(["applied": true])))
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}"#).get(),
                       .response(.number(2), .failure(ResponseError(code: -32601, message: "no"))))
        XCTAssertEqual(try decode(#"{"jsonrpc":"2.0","id":3,"result":null}"#).get(), .response(.number(3), .success(.null)))
    }

    func testParseErrorsHaveNullID() {
        for text in ["{", "", "not json", #"{"jsonrpc":"2.0","id":1,"method":"x",}"#] {
            let failure = failure(text)
            XCTAssertEqual(failure?.error.code, ErrorCode.parseError, text)
            XCTAssertNil(failure?.id)
            XCTAssertEqual(failure?.answer, true)
        }
    }

    func testInvalidUTF8IsAParseError() {
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        guard case .failure(let failure) = IncomingMessage.decode(body) else { return XCTFail() }
        XCTAssertEqual(failure.error.code, ErrorCode.parseError)
    }

    func testInvalidRequests() {
        let cases: [(String, RequestID?)] = [
            ("[]", nil),
            (#"[{"jsonrpc":"2.0","method":"x"}]"#, nil),
            ("42", nil),
            (#"{"id":1,"method":"x"}"#, .number(1)),
            (#"{"jsonrpc":"1.0","id":"a","method":"x"}"#, .string("a")),
            (#"{"jsonrpc":"2.0","id":1,"method":7}"#, .number(1)),
            (#"{"jsonrpc":"2.0","id":{"x":1},"method":"x"}"#, nil),
            (#"{"jsonrpc":"2.0","id":null,"method":"x"}"#, nil),
            (#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, nil),
            (#"{"jsonrpc":"2.0","id":1,"method":"x","params":3}"#, .number(1)),
            (#"{"jsonrpc":"2.0","id":1}"#, .number(1)),
            (#"{"jsonrpc":"2.0"}"#, nil),
        ]
        for (text, id) in cases {
            let failure = failure(text)
            XCTAssertEqual(failure?.error.code, ErrorCode.invalidRequest, text)
            XCTAssertEqual(failure?.id, id, text)
            XCTAssertEqual(failure?.answer, true, text)
        }
    }

    func testMalformedResponsesGetNoAnswer() {
        XCTAssertEqual(failure(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#)?.answer, false)
    }

    func testOutgoingMessages() {
        XCTAssertEqual(OutgoingMessage.response(id: .number(1), result: .null).serialized(), #"{"jsonrpc":"2.0","id":1,"result":null}"#)
        XCTAssertEqual(OutgoingMessage.error(id: nil, .parseError("bad")).serialized(), #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#)
        XCTAssertEqual(OutgoingMessage.notification(method: "m", params: [:]).serialized(), #"{"jsonrpc":"2.0","method":"m","params":{}}"#)
    }
}
