import Dispatch
import JSON
@testable import LanguageServer
import Synchronization
import XCTest

/// `maskfill.fillAll`: one versioned applyEdit, choices conditioned left to right, progress,
/// and no stale edits.
final class FillAllTests: XCTestCase {
    func session(capabilities: JSONValue = InProcessSession.defaultCapabilities, answer: JSONValue = ["applied": true]) throws -> (InProcessSession, EditRecorder) {
        try InProcessSession.recordingEdits(capabilities: capabilities, answer: answer)
    }

    func fillAll(_ session: InProcessSession, token: JSONValue? = nil) -> RequestID {
        var params: JSONValue = ["command": "maskfill.fillAll", "arguments": ["file:///doc.md"]]
        if let token { params = ["command": "maskfill.fillAll", "arguments": ["file:///doc.md"], "workDoneToken": token] }
        return session.client.send("workspace/executeCommand", params)
    }

    /// Applies LSP text edits (UTF-16 positions) to a text, as an editor would.
    static func apply(_ edits: [JSONValue], to text: String) throws -> String {
        var document = TextDocument(uri: "u", languageID: "markdown", version: 0, text: text)
        let ranges = try edits.map { edit in
            let range = try XCTUnwrap(TextRange(json: edit["range"]))
            return (document.offset(of: range.start, encoding: .utf16)..<document.offset(of: range.end, encoding: .utf16), edit["newText"]?.stringValue ?? "")
        }
        for (range, newText) in ranges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) { document.replace(range, with: newText) }
        return document.text
    }

    func testEachChoiceIsConditionedOnTheEarlierOnes() throws {
        let (session, recorder) = try session()
        let text = "The <mask> sat on the <mask>.\n\n```\n<mask> stays\n```\nA <mask> alone."
        session.open(text)
        let response = try XCTUnwrap(session.client.waitForResponse(fillAll(session)))
        XCTAssertEqual(response["result"], ["applied": true, "filled": 3, "masks": 3])
        let edit = try XCTUnwrap(recorder.edits.withLock { $0 }.first)
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 1, "one applyEdit")
        XCTAssertEqual(edit["label"], "Fill every mask")
        let change = try XCTUnwrap(edit["edit"]?["documentChanges"]?.arrayValue?.first)
        XCTAssertEqual(change["textDocument"], ["uri": "file:///doc.md", "version": 1])
        let edits = try XCTUnwrap(change["edits"]?.arrayValue)
        XCTAssertEqual(edits.count, 3)

        // The first choice sees both masks; the second sees the first one filled.
        let pipeline = try LSPFixtures.pipeline()
        let firstCandidates = try pipeline.fill("The [MASK] sat on the [MASK].", topK: Suggestion.deepestRanking)[0]
        let first = try XCTUnwrap(Suggestion.ranked(firstCandidates, pipeline: pipeline).first)
        XCTAssertEqual(edits[0]["newText"]?.stringValue, first.text)
        let afterFirst = try Self.apply([edits[0]], to: "The <mask> sat on the <mask>.")
        let second = try XCTUnwrap(LSPFixtures.expectedSuggestions(afterFirst.replacingOccurrences(of: "<mask>", with: "[MASK]"), topK: 3).first)
        XCTAssertEqual(edits[1]["newText"]?.stringValue, second.text)

        let filled = try Self.apply(edits, to: text)
        XCTAssertFalse(filled.replacingOccurrences(of: "<mask> stays", with: "").contains("<mask>"), filled)
        XCTAssertTrue(filled.contains("```\n<mask> stays\n```"), "code is left alone: \(filled)")
    }

    func testProgressOnATokenTheServerCreates() throws {
        var capabilities = InProcessSession.defaultCapabilities.objectValue ?? JSONObject()
        capabilities["window"] = ["workDoneProgress": true]
        let (session, recorder) = try session(capabilities: .object(capabilities))
        session.open("A <mask> and a <mask>.")
        let response = try XCTUnwrap(session.client.waitForResponse(fillAll(session)))
        XCTAssertEqual(response["result"]?["applied"], true)
        XCTAssertEqual(recorder.requests.withLock { $0 }, ["window/workDoneProgress/create", "workspace/applyEdit"])
        let progress = session.client.drain().filter { $0["method"] == "$/progress" }
        XCTAssertEqual(progress.first?["params"]?["value"]?["kind"], "begin")
        XCTAssertEqual(progress.last?["params"]?["value"]?["kind"], "end")
        XCTAssertEqual(Set(progress.compactMap { $0["params"]?["token"] }).count, 1)
    }

    func testProgressOnTheClientsToken() throws {
        let (session, _) = try session()
        session.open("A <mask> here.")
        let response = try XCTUnwrap(session.client.waitForResponse(fillAll(session, token: "client-token")))
        XCTAssertEqual(response["result"]?["filled"], 1)
        let progress = session.client.drain().filter { $0["method"] == "$/progress" }
        XCTAssertGreaterThanOrEqual(progress.count, 2)
        XCTAssertTrue(progress.allSatisfy { $0["params"]?["token"] == "client-token" })
    }

    func testDocumentChangedMeanwhileMeansContentModifiedAndNoEdit() throws {
        let (session, recorder) = try session()
        session.open("A <mask> here.")
        var id = RequestID.number(0)
        try session.holdingInference {
            id = fillAll(session, token: "t")
            session.replaceText("A <mask> here, changed.")
            _ = try session.result("textDocument/hover", session.textPosition(0, 0))
        }
        let response = try XCTUnwrap(session.client.waitForResponse(id))
        XCTAssertEqual(response["error"]?["code"]?.intValue, ErrorCode.contentModified)
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 0)
        XCTAssertNotNil(session.message { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "end" })
    }

    /// A cancel read after the last slice ran but before the edit goes out: no edit is sent.
    func testACancelAfterTheLastSliceSendsNoEdit() throws {
        let (session, recorder) = try session()
        session.open("A <mask> here.")
        let server = session.client.server
        var id = RequestID.number(0)
        let loopHeld = DispatchSemaphore(value: 0)
        session.holdingInference {
            id = fillAll(session, token: "late-cancel")
            server.loop.sync {}  // the fill-all's job is queued behind the held inference queue
            server.loop.async { loopHeld.wait() }  // its finish will queue behind this
        }
        server.engine.queue.sync {}  // the job has run its only slice and queued its finish
        server.requests.cancel(id)  // as `$/cancelRequest` would, read just before the finish
        loopHeld.signal()
        XCTAssertEqual(try XCTUnwrap(session.client.waitForResponse(id))["error"]?["code"]?.intValue, ErrorCode.requestCancelled)
        _ = try session.result("textDocument/hover", session.textPosition(0, 0))
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 0)
    }

    func testCancelFromTheProgressUI() throws {
        let (session, recorder) = try session()
        session.open("A <mask> here.")
        var id = RequestID.number(0)
        try session.holdingInference {
            id = fillAll(session, token: "cancel-me")
            session.client.notify("window/workDoneProgress/cancel", ["token": "cancel-me"])
            _ = try session.result("textDocument/hover", session.textPosition(0, 0))
        }
        XCTAssertEqual(try XCTUnwrap(session.client.waitForResponse(id))["error"]?["code"]?.intValue, ErrorCode.requestCancelled)
        XCTAssertEqual(recorder.edits.withLock { $0 }.count, 0)
    }

    func testRefusedEditAndNothingToFill() throws {
        let (session, _) = try session(answer: ["applied": false, "failureReason": "read-only"])
        session.open("No masks here.")
        XCTAssertEqual(try session.result("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": ["file:///doc.md"]]), FillAllResult.nothingToFill)
        session.replaceText("One <mask>.")
        XCTAssertEqual(try session.result("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": [["uri": "file:///doc.md"]]]),
                       ["applied": false, "filled": 1, "masks": 1, "failureReason": "read-only"])
    }

    func testUnversionedEditsForClientsWithoutDocumentChanges() throws {
        let (session, recorder) = try session(capabilities: [:])
        session.open("One <mask>.")
        _ = try session.result("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": ["file:///doc.md"]])
        let edit = try XCTUnwrap(recorder.edits.withLock { $0 }.first?["edit"])
        XCTAssertNil(edit["documentChanges"])
        XCTAssertEqual(edit["changes"]?["file:///doc.md"]?.arrayValue?.count, 1)
    }
}
