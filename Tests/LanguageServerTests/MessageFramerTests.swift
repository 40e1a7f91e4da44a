@testable import LanguageServer
import XCTest

/// The base protocol's framing: partial reads, several messages per read, large bodies, and
/// recovery from bad headers.
final class MessageFramerTests: XCTestCase {
    func frame(_ body: String) -> [UInt8] {
        Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    func events(_ chunks: [[UInt8]]) -> [MessageFramer.Event] {
        var framer = MessageFramer()
        var events: [MessageFramer.Event] = []
        for chunk in chunks {
            framer.append(chunk)
            while let event = framer.next() { events.append(event) }
        }
        return events
    }

    func message(_ text: String) -> MessageFramer.Event { .message(Array(text.utf8)) }

    func testOneMessage() {
        XCTAssertEqual(events([frame("{\"a\":1}")]), [message("{\"a\":1}")])
    }

    func testByteByByteReadsOfSeveralMessages() {
        let stream = frame("{\"id\":1}") + frame("{\"id\":\"é😀\"}") + frame("{}")
        XCTAssertEqual(events(stream.map { [$0] }), [message("{\"id\":1}"), message("{\"id\":\"é😀\"}"), message("{}")])
    }

    func testSeveralMessagesInOneRead() {
        let stream = (0..<50).flatMap { frame("{\"n\":\($0)}") }
        let received = events([stream])
        XCTAssertEqual(received.count, 50)
        XCTAssertEqual(received.last, message("{\"n\":49}"))
    }

    func testLargeMessageInChunks() {
        let body = "{\"text\":\"" + String(repeating: "word <mask> ", count: 500_000) + "\"}"
        let stream = frame(body)
        let chunks = stride(from: 0, to: stream.count, by: 65_536).map { Array(stream[$0..<min(stream.count, $0 + 65_536)]) }
        XCTAssertEqual(events(chunks + [frame("{}")]), [message(body), message("{}")])
    }

    func testHeadersAreCaseInsensitiveAndContentTypeIsTolerated() {
        let stream = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
            + Array("Content-Type: application/vscode-jsonrpc; charset=utf8\r\nCONTENT-LENGTH:3\r\nX-Other: x\r\n\r\n[1]".utf8)
        XCTAssertEqual(events([stream]), [message("{}"), message("[1]")])
    }

    func testBareNewlinesAndBlankLinesBetweenMessagesAreTolerated() {
        let stream = Array("Content-Length: 2\n\n{}\r\n\r\n".utf8) + frame("[]")
        XCTAssertEqual(events([stream]), [message("{}"), message("[]")])
    }

    func testMissingContentLengthIsReportedAndTheNextMessageStillArrives() {
        let stream = Array("Content-Type: application/json\r\n\r\n".utf8) + frame("{\"next\":true}")
        let received = events([stream])
        XCTAssertEqual(received.count, 2)
        guard case .malformed(let problem) = received[0] else { return XCTFail("\(received)") }
        XCTAssertTrue(problem.contains("Content-Length"), problem)
        XCTAssertEqual(received[1], message("{\"next\":true}"))
    }

    func testInvalidLengthsAreReported() {
        for bad in ["abc", "-5", "", "1e3", "99999999999999999999"] {
            let stream = Array("Content-Length: \(bad)\r\n\r\n{}".utf8) + frame("{\"ok\":1}")
            let received = events([stream])
            guard case .malformed = received.first else { return XCTFail("\(bad): \(received)") }
            XCTAssertEqual(received.last, message("{\"ok\":1}"), bad)
        }
    }

    func testMalformedLineWithAValidLengthSkipsThatBody() {
        let stream = Array("Content-Length: 7\r\nthis is not a header\r\n\r\n{\"x\":1}".utf8) + frame("{\"y\":2}")
        let received = events([stream])
        XCTAssertEqual(received.count, 2)
        guard case .malformed(let problem) = received[0] else { return XCTFail("\(received)") }
        XCTAssertTrue(problem.contains("malformed header line"), problem)
        XCTAssertEqual(received[1], message("{\"y\":2}"))
    }

    func testBodyWithoutHeaderResynchronisesAtTheNextHeader() {
        let stream = Array("{\"jsonrpc\":\"2.0\"}".utf8) + frame("{\"z\":3}")
        let received = events([stream])
        XCTAssertEqual(received.last, message("{\"z\":3}"))
        XCTAssertTrue(received.dropLast().allSatisfy { if case .malformed = $0 { return true } else { return false } }, "\(received)")
    }

    func testOversizedBodyIsSkippedNotBuffered() {
        let received = events([Array("Content-Length: \(MessageFramer.maximumBodySize + 1)\r\n\r\n".utf8) + Array(repeating: 0x20, count: 1000)])
        XCTAssertEqual(received.count, 1)
        guard case .malformed(let problem) = received[0] else { return XCTFail("\(received)") }
        XCTAssertTrue(problem.contains("limit"), problem)
    }

    func testEndlessHeaderIsReported() {
        let received = events([Array(repeating: UInt8(ascii: "a"), count: MessageFramer.maximumHeaderSize + 100)])
        XCTAssertEqual(received.count, 1)
        guard case .malformed = received.first else { return XCTFail("\(received)") }
    }

    func testPartialHeaderWaits() {
        var framer = MessageFramer()
        framer.append(Array("Content-Len".utf8))
        XCTAssertNil(framer.next())
        framer.append(Array("gth: 2\r\n\r".utf8))
        XCTAssertNil(framer.next())
        framer.append(Array("\n{".utf8))
        XCTAssertNil(framer.next())
        framer.append(Array("}".utf8))
        XCTAssertEqual(framer.next(), message("{}"))
        XCTAssertNil(framer.next())
    }
}
