import Foundation
import JSON
@testable import LanguageServer
import XCTest

/// The built `maskfill lsp`, spawned and driven over pipes as an editor drives it.
final class EndToEndTests: XCTestCase {
    let uri = "file:///notes/review.md"

    static let editorCapabilities: JSONValue = [
        "general": ["positionEncodings": ["utf-16"]],
        "window": ["workDoneProgress": true],
        "workspace": ["workspaceEdit": ["documentChanges": true], "applyEdit": true],
        "textDocument": [
            "completion": ["completionItem": ["snippetSupport": false]],
            "hover": ["contentFormat": ["markdown", "plaintext"]],
            "codeAction": ["codeActionLiteralSupport": ["codeActionKind": ["valueSet": ["quickfix", "refactor", "refactor.rewrite"]]]],
            "inlayHint": [:],
        ],
    ]

    func start(_ arguments: [String] = ["lsp", "--model", LSPFixtures.modelFolder]) throws -> LanguageServerProcess {
        let server = try LanguageServerProcess(arguments: arguments)
        let result = try server.result("initialize", ["processId": .int(Int64(getpid())), "rootUri": "file:///notes", "capabilities": Self.editorCapabilities])
        XCTAssertEqual(result["capabilities"]?["positionEncoding"], "utf-16")
        server.notify("initialized", [:])
        return server
    }

    func position(_ line: Int, _ character: Int) -> JSONValue {
        ["line": .int(Int64(line)), "character": .int(Int64(character))]
    }

    func at(_ line: Int, _ character: Int) -> JSONValue {
        ["textDocument": ["uri": .string(uri)], "position": position(line, character)]
    }

    func finish(_ server: LanguageServerProcess, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try server.result("shutdown", .null), .null, file: file, line: line)
        server.notify("exit", .null)
        XCTAssertEqual(server.waitForExit(), 0, "exit code after shutdown", file: file, line: line)
        XCTAssertEqual(server.problems, [], "stdout carries nothing but framed JSON-RPC", file: file, line: line)
    }

    func testAWholeEditingSession() throws {
        let server = try start()
        var text = "I have watched this  and it was awesome.\n\nThe 😀 emoji and 中文 come before a <mask> here.\n"
        var version = 1
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": .string(text)]])

        // Type "<mask>" one character at a time, asking for completions as an editor does.
        for (index, character) in "<mask>".enumerated() {
            version += 1
            let column = 20 + index
            server.notify("textDocument/didChange", [
                "textDocument": ["uri": .string(uri), "version": .int(Int64(version))],
                "contentChanges": [["range": ["start": position(0, column), "end": position(0, column)], "text": .string(String(character))]],
            ])
            text.insert(character, at: text.index(text.startIndex, offsetBy: column))
            let list = try server.result("textDocument/completion", at(0, column + 1))
            if character != ">" { XCTAssertEqual(list["items"], [], "no mask yet after \(index + 1) characters") }
        }
        XCTAssertTrue(text.hasPrefix("I have watched this <mask> and"))

        let list = try server.result("textDocument/completion", ["textDocument": ["uri": .string(uri)], "position": position(0, 26), "context": ["triggerKind": 2, "triggerCharacter": ">"]])
        XCTAssertEqual(list["isIncomplete"], false)
        let items = try XCTUnwrap(list["items"]?.arrayValue)
        let expected = try LSPFixtures.expectedSuggestions("I have watched this [MASK] and it was awesome.")
        XCTAssertEqual(items.compactMap { $0["label"]?.stringValue }, expected.map(\.text))
        XCTAssertEqual(items.compactMap { $0["sortText"]?.stringValue }, items.compactMap { $0["sortText"]?.stringValue }.sorted())
        for (item, suggestion) in zip(items, expected) {
            XCTAssertEqual(item["textEdit"]?["range"]?["end"], position(0, 26))
            XCTAssertEqual(item["textEdit"]?["range"]?["start"], position(0, 20))
            XCTAssertEqual(item["additionalTextEdits"]?.arrayValue?.first?["range"]?["start"], suggestion.joinsPrevious ? Optional(position(0, 19)) : Optional<JSONValue>.none)
            XCTAssertFalse(item["label"]?.stringValue?.hasPrefix(" ") ?? true)
            XCTAssertTrue(item["detail"]?.stringValue?.contains("%") ?? false)
        }

        // Emoji and CJK before a mask: UTF-16 columns, as the client counts them.
        let secondLine = "The 😀 emoji and 中文 come before a "
        let maskColumn = secondLine.utf16.count
        let second = try XCTUnwrap(server.result("textDocument/completion", at(2, maskColumn + 6))["items"]?.arrayValue?.first)
        let range = second["textEdit"]?["range"]
        XCTAssertEqual(range?["end"], position(2, maskColumn + 6))
        XCTAssertTrue([position(2, maskColumn), position(2, maskColumn - 1)].contains(range?["start"] ?? .null), "\(range?.serialized() ?? "")")

        let hover = try server.result("textDocument/hover", at(0, 22))
        let table = try XCTUnwrap(hover["contents"]?["value"]?.stringValue)
        for suggestion in expected { XCTAssertTrue(table.contains(HoverText.escaped(suggestion.text)), table) }
        XCTAssertEqual(hover["range"], ["start": position(0, 20), "end": position(0, 26)])

        let actions = try XCTUnwrap(server.result("textDocument/codeAction", [
            "textDocument": ["uri": .string(uri)], "range": ["start": position(0, 22), "end": position(0, 22)], "context": ["diagnostics": []],
        ]).arrayValue)
        XCTAssertEqual(actions.compactMap { $0["title"]?.stringValue }, expected.prefix(3).map { "Replace with «\($0.joinsPrevious ? "…" : "")\($0.text)» (\(Percent.short($0.score)))" } + ["Fill every mask"])
        XCTAssertEqual(actions[0]["edit"]?["documentChanges"]?.arrayValue?.first?["textDocument"]?["version"]?.intValue, version)

        let hints = try XCTUnwrap(server.result("textDocument/inlayHint", ["textDocument": ["uri": .string(uri)], "range": ["start": position(0, 0), "end": position(3, 0)]]).arrayValue)
        XCTAssertEqual(hints.map { $0["position"] }, [position(0, 26), position(2, maskColumn + 6)])

        // Fill every mask: progress on a token the server asks for, then one applyEdit.
        let command = server.request("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [.string(uri)]])
        let create = try server.serverRequest("window/workDoneProgress/create")
        server.respond(to: create, result: .null)
        let applyEdit = try server.serverRequest("workspace/applyEdit")
        let change = try XCTUnwrap(applyEdit["params"]?["edit"]?["documentChanges"]?.arrayValue?.first)
        XCTAssertEqual(change["textDocument"], ["uri": .string(uri), "version": .int(Int64(version))])
        let edits = try XCTUnwrap(change["edits"]?.arrayValue)
        XCTAssertEqual(edits.count, 2)
        server.respond(to: applyEdit, result: ["applied": true])
        let answer = try server.response(command)
        XCTAssertEqual(answer["result"], ["applied": true, "filled": 2, "masks": 2])
        let progress = server.received { $0["method"] == "$/progress" && $0["params"]?["token"] == create["params"]?["token"] }
        XCTAssertEqual(progress.first?["params"]?["value"]?["kind"], "begin")
        XCTAssertEqual(progress.last?["params"]?["value"]?["kind"], "end")

        // The editor applies the edit and sends it back as a change: no masks are left.
        let filled = try FillAllTests.apply(edits, to: text)
        XCTAssertFalse(filled.contains("<mask>"), filled)
        version += 1
        server.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(version))], "contentChanges": [["text": .string(filled)]]])
        XCTAssertEqual(try server.result("textDocument/completion", at(0, 26))["items"], [])

        server.notify("textDocument/didClose", ["textDocument": ["uri": .string(uri)]])
        XCTAssertTrue(server.received { $0["method"] == "window/logMessage" }.count > 0)
        try finish(server)
        XCTAssertTrue(server.stderrText.contains("maskfill lsp [info]"), server.stderrText)
    }

    func testFillAllAgainstAChangedDocumentIsContentModified() throws {
        let server = try start()
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "plaintext", "version": 1, "text": "A <mask> day."]])
        let command = server.request("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [.string(uri)]])
        let create = try server.serverRequest("window/workDoneProgress/create")
        // The user types before the fill starts: the fill must not apply to the new text.
        server.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 2], "contentChanges": [["text": "A <mask> day!"]]])
        server.respond(to: create, result: .null)
        XCTAssertEqual(try server.response(command)["error"]?["code"]?.intValue, ErrorCode.contentModified)
        XCTAssertEqual(server.received { $0["method"] == "workspace/applyEdit" }.count, 0)

        let cancelled = server.request("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [.string(uri)]])
        let secondCreate = try server.serverRequest("window/workDoneProgress/create")
        server.notify("$/cancelRequest", ["id": .int(Int64(cancelled))])
        server.respond(to: secondCreate, result: .null)
        XCTAssertEqual(try server.response(cancelled)["error"]?["code"]?.intValue, ErrorCode.requestCancelled)
        try finish(server)
    }

    func testMalformedInputMidSessionDoesNotStopTheServer() throws {
        let server = try start()
        server.sendRaw(Array("Content-Length: abc\r\n\r\n".utf8))
        server.sendRaw(Array("Content-Length: 9\r\n\r\n{\"broken\"".utf8))
        let invalidUTF8 = Array(#"{"jsonrpc":"2.0","id":77,"method":"x","params":{"s":""#.utf8) + [0xF8, 0x88] + Array(#""}}"#.utf8)
        server.sendRaw(Array("Content-Length: \(invalidUTF8.count)\r\n\r\n".utf8) + invalidUTF8)
        server.send([["jsonrpc": "2.0", "id": 78, "method": "shutdown"]])
        server.send(["jsonrpc": "2.0", "id": 79, "method": "textDocument/unknownThing", "params": [:]])
        var parseErrors = 0
        for _ in 0..<3 {
            let error = try server.take("a parse error") { $0["error"]?["code"]?.intValue == ErrorCode.parseError }
            XCTAssertEqual(error["id"], .null)
            parseErrors += 1
        }
        XCTAssertEqual(parseErrors, 3)
        XCTAssertEqual(try server.take("an invalid request") { $0["error"]?["code"]?.intValue == ErrorCode.invalidRequest }["id"], .null)
        XCTAssertEqual(try server.response(79)["error"]?["code"]?.intValue, ErrorCode.methodNotFound)
        // Still serving, and still not shut down (the batch was refused, not run).
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "plaintext", "version": 1, "text": "Still <mask> here."]])
        XCTAssertEqual(try server.result("textDocument/completion", at(0, 12))["items"]?.arrayValue?.count, 5)
        try finish(server)
    }

    func testTenThousandMasks() throws {
        let server = try start()
        let text = String(repeating: "the <mask> ", count: 10_000) + "\n\n" + String(repeating: "A <mask> line.\n", count: 100)
        let started = ContinuousClock.now
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": .string(text)]])
        let middle = 5_000 * 11 + 6
        XCTAssertEqual(try server.result("textDocument/completion", at(0, middle))["items"]?.arrayValue?.count, 5)
        XCTAssertNotNil(try server.result("textDocument/hover", at(0, middle - 2))["contents"])
        XCTAssertEqual(try server.result("textDocument/completion", at(0, 10_000 * 11 - 1))["items"]?.arrayValue?.count, 5)
        let hints = try server.result("textDocument/inlayHint", ["textDocument": ["uri": .string(uri)], "range": ["start": position(0, 0), "end": position(200, 0)]])
        XCTAssertEqual(hints.arrayValue?.count, LanguageServer.inlayHintMaskLimit)
        // Typing in the huge document stays cheap.
        for column in 0..<20 {
            server.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(column + 2))], "contentChanges": [["range": ["start": position(2, column), "end": position(2, column)], "text": "x"]]])
        }
        XCTAssertEqual(try server.result("textDocument/completion", at(2, 28))["items"]?.arrayValue?.count, 5)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(30))
        try finish(server)
    }

    func testExitWithoutShutdownIsCodeOne() throws {
        let server = try start()
        server.notify("exit", .null)
        XCTAssertEqual(server.waitForExit(), 1)
        let closed = try start()
        closed.closeInput()
        XCTAssertEqual(closed.waitForExit(), 1, "end of input without shutdown")
    }

    func testMissingModelKeepsTheServerUp() throws {
        let server = try LanguageServerProcess(arguments: ["lsp", "--model", "/nonexistent/maskfill-model"])
        _ = try server.result("initialize", ["processId": .null, "rootUri": .null, "capabilities": [:]])
        let message = try server.notification("window/showMessage")
        XCTAssertEqual(message["params"]?["type"], 1)
        XCTAssertTrue(message["params"]?["message"]?.stringValue?.contains("/nonexistent/maskfill-model") ?? false)
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "plaintext", "version": 1, "text": "A <mask>."]])
        XCTAssertEqual(try server.result("textDocument/completion", at(0, 8))["items"], [])
        try finish(server)
    }

    func testHelp() throws {
        let server = try LanguageServerProcess(arguments: ["lsp", "--help"])
        XCTAssertEqual(server.waitForExit(), 0)
    }

    /// Requests whose answer waits on the client are answered when cancelled, and at shutdown.
    func testAFillAllWaitingOnTheClientIsAnsweredWhenCancelledAndAtShutdown() throws {
        let server = try start()
        let uri = "file:///notes/wait.md"
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": "One <mask>."]])
        let fill: JSONValue = ["command": "maskfill.fillAll", "arguments": [.string(uri)]]

        // The client never answers the progress token request: a cancel answers the fill-all.
        let first = server.request("workspace/executeCommand", fill)
        _ = try server.serverRequest("window/workDoneProgress/create")
        server.notify("$/cancelRequest", ["id": .int(Int64(first))])
        XCTAssertEqual(try server.response(first)["error"]?["code"]?.intValue, ErrorCode.requestCancelled)

        // The client takes the token but never answers the edit: shutdown answers the fill-all.
        let second = server.request("workspace/executeCommand", fill)
        server.respond(to: try server.serverRequest("window/workDoneProgress/create"), result: .null)
        _ = try server.serverRequest("workspace/applyEdit")
        let shutdown = server.request("shutdown", .null)
        XCTAssertEqual(try server.response(second)["error"]?["code"]?.intValue, ErrorCode.requestCancelled)
        XCTAssertEqual(try server.response(shutdown)["result"], .null)
        server.notify("exit", .null)
        XCTAssertEqual(server.waitForExit(), 0)
    }
}
