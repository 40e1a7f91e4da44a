import JSON
@testable import LanguageServer
import XCTest

/// Lifecycle, capabilities and error codes, in process.
final class ServerProtocolTests: XCTestCase {
    func testRequestsBeforeInitializeAreRefusedAndNotificationsDropped() throws {
        let session = InProcessSession()
        XCTAssertEqual(try session.errorCode("textDocument/hover", session.textPosition(0, 0)), ErrorCode.serverNotInitialized)
        XCTAssertEqual(try session.errorCode("shutdown", .null), ErrorCode.serverNotInitialized)
        session.open("A <mask> here.")
        try session.initialize()
        XCTAssertEqual(try session.result("textDocument/hover", session.textPosition(0, 3)), .null, "the early didOpen was dropped")
    }

    func testCapabilitiesSayWhatIsImplemented() throws {
        let plain = try InProcessSession().initialize(capabilities: [:])
        let capabilities = try XCTUnwrap(plain["capabilities"])
        XCTAssertEqual(capabilities["positionEncoding"], "utf-16")
        XCTAssertEqual(capabilities["textDocumentSync"]?["change"], 2)
        XCTAssertEqual(capabilities["textDocumentSync"]?["openClose"], true)
        XCTAssertEqual(capabilities["completionProvider"]?["triggerCharacters"], [">", "]"])
        XCTAssertEqual(capabilities["hoverProvider"], true)
        XCTAssertEqual(capabilities["executeCommandProvider"]?["commands"], ["maskfill.fillAll"])
        XCTAssertNil(capabilities["inlayHintProvider"], "the client cannot show inlay hints")
        XCTAssertEqual(plain["serverInfo"]?["name"], "maskfill")

        let rich = try InProcessSession().initialize(capabilities: [
            "general": ["positionEncodings": ["utf-32", "utf-16"]],
            "textDocument": ["inlayHint": [:], "codeAction": ["codeActionLiteralSupport": [:]]],
        ])
        XCTAssertEqual(rich["capabilities"]?["positionEncoding"], "utf-32")
        XCTAssertNotNil(rich["capabilities"]?["inlayHintProvider"])
        XCTAssertEqual(rich["capabilities"]?["codeActionProvider"]?["codeActionKinds"], ["quickfix", "refactor.rewrite"])
    }

    func testErrorCodes() throws {
        let session = InProcessSession()
        try session.initialize()
        XCTAssertEqual(try session.errorCode("initialize", ["capabilities": [:]]), ErrorCode.invalidRequest)
        XCTAssertEqual(try session.errorCode("textDocument/definition", session.textPosition(0, 0)), ErrorCode.methodNotFound)
        XCTAssertEqual(try session.errorCode("textDocument/completion", ["textDocument": ["uri": "file:///x"]]), ErrorCode.invalidParams)
        XCTAssertEqual(try session.errorCode("textDocument/hover", ["position": ["line": 0, "character": 0]]), ErrorCode.invalidParams)
        XCTAssertEqual(try session.errorCode("workspace/executeCommand", ["command": "maskfill.other"]), ErrorCode.invalidParams)
        XCTAssertEqual(try session.errorCode("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": []]), ErrorCode.invalidParams)
        XCTAssertEqual(try session.errorCode("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": ["file:///closed"]]), ErrorCode.invalidParams)
        // Unknown notifications are ignored silently: the next answer is the next request's.
        session.client.notify("custom/somethingElse", [:])
        session.client.notify("$/setTrace", ["value": "off"])
        session.client.notify("textDocument/didChange", ["textDocument": ["uri": "file:///never-opened"], "contentChanges": []])
        XCTAssertEqual(try session.result("textDocument/hover", session.textPosition(0, 0, uri: "file:///none")), .null)
        XCTAssertFalse(session.client.drain().contains { $0["error"] != nil })
    }

    func testShutdownThenExitIsCodeZero() throws {
        let session = InProcessSession()
        try session.initialize()
        XCTAssertEqual(try session.result("shutdown", .null), .null)
        XCTAssertEqual(try session.errorCode("textDocument/hover", session.textPosition(0, 0)), ErrorCode.invalidRequest)
        session.client.notify("exit", .null)
        XCTAssertEqual(waitForExit(session), 0)
    }

    func testShutdownAnswersEverythingQueuedBeforeIt() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open("A <mask> here.")
        var completion = RequestID.number(0)
        var shutdown = RequestID.number(0)
        try session.holdingInference {
            completion = session.client.send("textDocument/completion", session.textPosition(0, 8))
            shutdown = session.client.send("shutdown", .null)
            XCTAssertEqual(try session.errorCode("textDocument/hover", session.textPosition(0, 3)), ErrorCode.invalidRequest)
        }
        XCTAssertEqual(try XCTUnwrap(session.client.waitForResponse(shutdown))["result"], .null)
        let earlier = session.client.drain().first { $0["id"] == completion.json }
        XCTAssertEqual(earlier?["error"]?["code"]?.intValue, ErrorCode.requestCancelled, "answered before the shutdown's answer")
    }

    func testExitWithoutShutdownIsCodeOne() throws {
        let session = InProcessSession()
        try session.initialize()
        session.client.notify("exit", .null)
        XCTAssertEqual(waitForExit(session), 1)
    }

    func testExitBeforeInitializeIsCodeOne() {
        let session = InProcessSession()
        session.client.notify("exit", .null)
        XCTAssertEqual(waitForExit(session), 1)
    }

    private func waitForExit(_ session: InProcessSession) -> Int32? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let code = session.client.exit.code.withLock({ $0 }) { return code }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }

    func testMalformedMessagesGetErrorsAndTheServerGoesOn() throws {
        let session = InProcessSession()
        try session.initialize()
        let server = session.client.server
        server.receive(.message(Array("{not json".utf8)))
        let parseError = session.message { $0["error"]?["code"]?.intValue == ErrorCode.parseError }
        XCTAssertEqual(parseError?["id"], .null)
        server.receive(.message(Array(#"{"jsonrpc":"2.0","id":9,"method":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)))
        XCTAssertNotNil(session.message { $0["error"]?["code"]?.intValue == ErrorCode.parseError }, "invalid UTF-8")
        server.receive(.message(Array(#"{"jsonrpc":"2.0","id":10}"#.utf8)))
        XCTAssertEqual(session.message { $0["error"]?["code"]?.intValue == ErrorCode.invalidRequest }?["id"], 10)
        server.receive(.malformed("header without Content-Length"))
        XCTAssertNotNil(session.message { $0["error"]?["message"]?.stringValue?.contains("Content-Length") ?? false })
        session.client.deliver([:])
        XCTAssertEqual(session.message { $0["error"]?["code"]?.intValue == ErrorCode.invalidRequest }?["id"], .null)
        XCTAssertEqual(try session.result("textDocument/hover", session.textPosition(0, 0)), .null, "still serving")
    }
}
