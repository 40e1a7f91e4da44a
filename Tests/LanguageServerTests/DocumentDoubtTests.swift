import JSON
@testable import LanguageServer
import Synchronization
import XCTest

/// The server never edits text it has not seen: after a change it could not apply, and while
/// an edit it sent is not yet in the document, it offers and edits nothing there.
final class DocumentDoubtTests: XCTestCase {
    private let uri = "file:///doc.md"

    private func fillAll(_ session: InProcessSession) throws -> JSONValue {
        try session.call("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [.string(uri)]])
    }

    private func completionCount(_ session: InProcessSession, _ line: Int, _ character: Int) throws -> Int {
        try session.result("textDocument/completion", session.textPosition(line, character))["items"]?.arrayValue?.count ?? 0
    }

    private func change(_ session: InProcessSession, version: Int, _ contentChanges: JSONValue) {
        session.client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(version))], "contentChanges": contentChanges])
    }

    /// An editor without versioned edits (Neovim 0.7) answers applyEdit before it reports the
    /// change: a second fill-all meanwhile would be computed from the old text and applied twice.
    func testASecondFillAllWaitsUntilTheFirstEditIsInTheDocument() throws {
        let (session, recorder) = try InProcessSession.recordingEdits(capabilities: [:])
        session.open("One <mask>.")
        XCTAssertEqual(try fillAll(session)["result"]?["applied"], true)
        let second = try fillAll(session)
        XCTAssertEqual(second["error"]?["code"]?.intValue, ErrorCode.contentModified, "\(second)")
        XCTAssertEqual(try completionCount(session, 0, 10), 0, "nothing offered from the old text either")
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 1)

        // The editor reports the edit: the document is the editor's again.
        let edits = try XCTUnwrap(recorder.edits.withLock { $0 }.first?["edit"]?["changes"]?[uri]?.arrayValue)
        let filled = try FillAllTests.apply(edits, to: "One <mask>.")
        session.replaceText(filled + " Two <mask>.")
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 2)
    }

    /// A client that reports the change before answering (VS Code) is in sync once it answers.
    func testChangeBeforeTheAnswerEndsTheWaitAtTheAnswer() throws {
        let session = InProcessSession()
        let (client, answered) = (session.client, Flag())
        client.serverRequestHandler.withLock {
            $0 = { method, params in
                guard method == "workspace/applyEdit" else { return .null }
                // Report the change first, as VS Code does, then answer. Edits refer to the text
                // before all of them; changes apply in turn: last edit first.
                let edits = params["edit"]?["documentChanges"]?.arrayValue?.first?["edits"]?.arrayValue ?? []
                let changes = edits.reversed().map { edit -> JSONValue in ["range": edit["range"] ?? .null, "text": edit["newText"] ?? ""] }
                client.notify("textDocument/didChange", ["textDocument": ["uri": "file:///doc.md", "version": .int(2)], "contentChanges": .array(changes)])
                answered.value.withLock { $0 = true }
                return ["applied": true]
            }
        }
        try session.initialize()
        session.open("One <mask>. Two <mask>.")
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 2)
        XCTAssertTrue(answered.value.withLock { $0 })
        session.replaceText("Three <mask>.")
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
    }

    func testARefusedEditEndsTheWaitAtOnce() throws {
        let (session, recorder) = try InProcessSession.recordingEdits(capabilities: [:], answer: ["applied": false])
        session.open("One <mask>.")
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 2)
        XCTAssertGreaterThan(try completionCount(session, 0, 10), 0)
    }

    /// A change that cannot be applied leaves the text here unlike the editor's: later
    /// incremental changes cannot mend it, only a whole text can.
    func testAChangeThatCannotBeAppliedStopsOffersUntilTheWholeTextComes() throws {
        let (session, recorder) = try InProcessSession.recordingEdits()
        session.open("One <mask>.")
        XCTAssertGreaterThan(try completionCount(session, 0, 10), 0)
        change(session, version: 2, [["range": 5, "text": "x"]])
        XCTAssertNotNil(session.showMessage(containing: "until the document is reopened"))
        change(session, version: 3, [["range": ["start": session.position(0, 0), "end": session.position(0, 0)], "text": "A "]])
        change(session, version: 4, [["range": 6, "text": "y"]])
        XCTAssertEqual(try completionCount(session, 0, 12), 0)
        let repeated = session.client.drain().filter { $0["method"] == "window/showMessage" }
        XCTAssertEqual(repeated.count, 0, "one message per document, not per bad change: \(repeated)")
        let refused = try fillAll(session)
        XCTAssertEqual(refused["error"]?["code"]?.intValue, ErrorCode.requestFailed)
        XCTAssertTrue(refused["error"]?["message"]?.stringValue?.contains("reopen the document") ?? false, "\(refused)")
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 0)

        change(session, version: 5, [["text": "One <mask>."]])
        XCTAssertGreaterThan(try completionCount(session, 0, 10), 0)
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
    }

    /// A message that is not valid JSON but names didChange may have carried a change to any
    /// open document; reopening one brings it back.
    func testAnUnreadableChangePutsEveryOpenDocumentInDoubt() throws {
        let (session, _) = try InProcessSession.recordingEdits()
        session.open("One <mask>.")
        session.open("Two <mask>.", uri: "file:///other.md")
        let message = #"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///doc.md","version":2},"contentChanges":[{"text":"bad "#
        let bytes: [UInt8] = Array(message.utf8) + [0xFF] + Array(#""}]}}"#.utf8)
        session.client.server.receive(MessageFramer.Event.message(bytes))
        XCTAssertNotNil(session.showMessage(containing: "doc.md, other.md may differ"))
        XCTAssertEqual(try completionCount(session, 0, 10), 0)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 10, uri: "file:///other.md"))["items"]?.arrayValue?.count ?? 0, 0)

        session.open("Two <mask>.", uri: "file:///other.md")
        XCTAssertGreaterThan(try session.result("textDocument/completion", session.textPosition(0, 10, uri: "file:///other.md"))["items"]?.arrayValue?.count ?? 0, 0)
        XCTAssertEqual(try completionCount(session, 0, 10), 0, "the other document is still in doubt")
    }

    /// A reopen whose text cannot be read leaves the old text here, unlike the editor's.
    func testAReopenWithoutTextPutsTheDocumentInDoubt() throws {
        let (session, _) = try InProcessSession.recordingEdits()
        session.open("One <mask>.")
        session.client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 5]])
        XCTAssertNotNil(session.showMessage(containing: "a reopened document's text could not be read"))
        XCTAssertEqual(try completionCount(session, 0, 10), 0)
        session.open("One <mask>.")
        XCTAssertGreaterThan(try completionCount(session, 0, 10), 0)
    }

    /// A JavaScript editor's text can hold a lone surrogate, which JSON.stringify writes as
    /// `\ud800`. It is read as U+FFFD (one UTF-16 unit, like the surrogate), so the document is
    /// not in doubt and positions after it still match the editor's.
    func testALoneSurrogateInTheTextKeepsPositionsRight() throws {
        let (session, recorder) = try InProcessSession.recordingEdits()
        let open = #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///doc.md","languageId":"markdown","version":1,"text":"\ud800 One <mask>."}}}"#
        session.client.server.receive(MessageFramer.Event.message(Array(open.utf8)))
        let items = try XCTUnwrap(session.result("textDocument/completion", session.textPosition(0, 12))["items"]?.arrayValue)
        XCTAssertGreaterThan(items.count, 0)
        XCTAssertEqual(items.first?["textEdit"]?["range"], ["start": session.position(0, 6), "end": session.position(0, 12)])
        XCTAssertEqual(try fillAll(session)["result"]?["filled"], 1)
        let change = try XCTUnwrap(recorder.edits.withLock { $0 }.first?["edit"]?["documentChanges"]?.arrayValue?.first)
        XCTAssertEqual(change["textDocument"]?["version"], 1)
        XCTAssertEqual(change["edits"]?.arrayValue?.first?["range"], ["start": session.position(0, 6), "end": session.position(0, 12)])
    }

    /// Messages that can be read far enough to see they were something else leave the
    /// documents alone; anything less readable may have been a change.
    func testWhichUnreadableMessagesMayHaveChangedADocument() {
        let mayHave: [String] = [
            #"{"jsonrpc":"2.0","method":"textDocument\/didChange","params":{"bad": "#,  // cut short, escaped slash
            #"{"jsonrpc":"1.0","method":"textDocument/didChange","params":{}}"#,
            #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":5}"#,
            #"{"jsonrpc":"2.0","method":7}"#,
            #"[{"jsonrpc":"2.0","method":"textDocument/didChange","params":{}}]"#,
        ]
        for text in mayHave {
            XCTAssertTrue(UnreadableMessage.mayHaveChangedDocuments(Array(text.utf8)), text)
        }
        XCTAssertTrue(UnreadableMessage.mayHaveChangedDocuments(Array(#"{"method":"$/setTrace","x":""#.utf8) + [0xFF]), "not JSON at all")
        let other: [String] = [
            #"{"jsonrpc":"1.0","method":"$/setTrace","params":{"value":"off"}}"#,
            #"{"jsonrpc":"2.0","id":{"a":1},"result":null}"#,
            #"[{"jsonrpc":"2.0","method":"textDocument/hover"}]"#,
            #"42"#,
        ]
        for text in other {
            XCTAssertFalse(UnreadableMessage.mayHaveChangedDocuments(Array(text.utf8)), text)
        }
    }

    func testAReadableMessageOfAnotherKindChangesNothing() throws {
        let (session, _) = try InProcessSession.recordingEdits()
        session.open("One <mask>.")
        session.client.server.receive(MessageFramer.Event.message(Array(#"{"jsonrpc":"1.0","method":"$/setTrace","params":{"value":"off"}}"#.utf8)))
        XCTAssertGreaterThan(try completionCount(session, 0, 10), 0)
    }

    func testAReopenWithoutAURIPutsEveryDocumentInDoubt() throws {
        let (session, _) = try InProcessSession.recordingEdits()
        session.open("One <mask>.")
        session.client.notify("textDocument/didOpen", ["textDocument": ["languageId": "markdown", "version": 5, "text": "Two <mask>."]])
        XCTAssertNotNil(session.showMessage(containing: "a reopened document's text could not be read"))
        XCTAssertEqual(try completionCount(session, 0, 10), 0)
    }
}

private final class Flag: Sendable {
    let value = Mutex(false)
}
