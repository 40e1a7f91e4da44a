import JSON
@testable import LanguageServer
import XCTest

/// Completion, hover, code actions, inlay hints and settings, in process, against what the
/// pipeline computes for the same window.
final class ServerFeatureTests: XCTestCase {
    let sentence = "I have watched this <mask> and it was awesome."
    let window = "I have watched this [MASK] and it was awesome."

    func testCompletionGivesThePipelinesCandidatesForThatMask() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open(sentence, language: "plaintext")
        let list = try session.result("textDocument/completion", session.textPosition(0, 26))
        XCTAssertEqual(list["isIncomplete"], false)
        let items = try XCTUnwrap(list["items"]?.arrayValue)
        let expected = try LSPFixtures.expectedSuggestions(window)
        XCTAssertEqual(items.count, 5)
        XCTAssertEqual(items.compactMap { $0["label"]?.stringValue }, expected.map(\.text))
        for (rank, (item, suggestion)) in zip(items, expected).enumerated() {
            XCTAssertEqual(item["kind"], 1)
            XCTAssertEqual(item["sortText"]?.stringValue, CompletionItems.sortText(rank))
            XCTAssertEqual(CompletionItems.sortText(rank), "000\(rank)")
            XCTAssertTrue(item["detail"]?.stringValue?.hasPrefix(Percent.detailed(suggestion.score)) ?? false, "\(item)")
            // Every item replaces exactly the mask; a piece that joins the previous word also
            // deletes the space before it, as an additional edit.
            XCTAssertEqual(item["textEdit"]?["range"], ["start": ["line": 0, "character": 20], "end": ["line": 0, "character": 26]])
            XCTAssertEqual(item["textEdit"]?["newText"]?.stringValue, suggestion.text)
            XCTAssertEqual(item["filterText"]?.stringValue, "<mask>")
            if suggestion.joinsPrevious {
                XCTAssertEqual(item["additionalTextEdits"], [["range": ["start": ["line": 0, "character": 19], "end": ["line": 0, "character": 20]], "newText": ""]])
            } else {
                XCTAssertNil(item["additionalTextEdits"])
            }
        }
        // At the mask's first character too; not elsewhere.
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 20))["items"]?.arrayValue?.count, 5)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 5))["items"], [])
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 5, uri: "file:///unknown"))["items"], [])
    }

    func testOtherLanguagesGetNothing() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open("let s = \"<mask>\"", uri: "file:///a.swift", language: "swift")
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 15, uri: "file:///a.swift"))["items"], [])
    }

    func testHoverAfterCompletionIsAnsweredFromTheCache() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open("First line.\n\nThe <mask> sat on the [MASK].")
        _ = try session.result("textDocument/completion", session.textPosition(2, 10))
        try session.holdingInference {
            // The model cannot run now; the second mask's window is the same text, so it is cached too.
            for character in [6, 24] {
                let hover = try session.result("textDocument/hover", session.textPosition(2, character))
                let value = try XCTUnwrap(hover["contents"]?["value"]?.stringValue)
                XCTAssertEqual(hover["contents"]?["kind"], "markdown")
                XCTAssertTrue(value.contains("| # | word | probability |"), value)
                XCTAssertEqual(value.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.hasSuffix("% |") }.count, 5, value)
            }
        }
        let hover = try session.result("textDocument/hover", session.textPosition(2, 6))
        XCTAssertEqual(hover["range"], ["start": ["line": 2, "character": 4], "end": ["line": 2, "character": 10]])
        XCTAssertEqual(try session.result("textDocument/hover", session.textPosition(0, 2)), .null)
    }

    func testCancelledRequestAnswersRequestCancelled() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open(sentence)
        var id = RequestID.number(0)
        try session.holdingInference {
            id = session.client.send("textDocument/completion", session.textPosition(0, 26))
            session.client.notify("$/cancelRequest", ["id": id.json])
            _ = try session.result("textDocument/hover", session.textPosition(0, 0))  // the cancel has been handled
        }
        let response = try XCTUnwrap(session.client.waitForResponse(id))
        XCTAssertEqual(response["error"]?["code"]?.intValue, ErrorCode.requestCancelled)
        session.client.notify("$/cancelRequest", ["id": 12_345])  // unknown ids are ignored
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 5)
    }

    func testStaleCompletionsAreDroppedWithAnEmptyIncompleteAnswer() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open("The <mask> is red.")
        var first = RequestID.number(0)
        var second = RequestID.number(0)
        var hover = RequestID.number(0)
        try session.holdingInference {
            first = session.client.send("textDocument/completion", session.textPosition(0, 10))
            hover = session.client.send("textDocument/hover", session.textPosition(0, 6))
            session.replaceText("The <mask> is blue.")
            second = session.client.send("textDocument/completion", session.textPosition(0, 10))
            _ = try session.result("textDocument/hover", session.textPosition(0, 0))
        }
        let dropped = try XCTUnwrap(session.client.waitForResponse(first))
        XCTAssertEqual(dropped["result"], ["isIncomplete": true, "items": []])
        XCTAssertEqual(try XCTUnwrap(session.client.waitForResponse(hover))["result"], .null)
        let answered = try XCTUnwrap(session.client.waitForResponse(second))
        XCTAssertEqual(answered["result"]?["items"]?.arrayValue?.count, 5)
    }

    func testNewerCompletionSupersedesAQueuedOne() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open("The <mask> is red.")
        var ids: [RequestID] = []
        try session.holdingInference {
            ids = (0..<3).map { _ in session.client.send("textDocument/completion", session.textPosition(0, 10)) }
            _ = try session.result("textDocument/hover", session.textPosition(0, 0))  // all three handled by the loop
        }
        let results = try ids.map { try XCTUnwrap(session.client.waitForResponse($0))["result"] }
        XCTAssertEqual(results[0]?["isIncomplete"], true)
        XCTAssertEqual(results[1]?["isIncomplete"], true)
        XCTAssertEqual(results[2]?["items"]?.arrayValue?.count, 5)
    }

    func testTopKSettingAndABadValue() throws {
        let session = InProcessSession()
        try session.initialize(options: ["topK": 2])
        session.open(sentence)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 2)
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["topK": "many", "contextTokens": 64]]])
        let warning = try XCTUnwrap(session.showMessage(containing: "maskfill.topK"))
        XCTAssertEqual(warning["params"]?["type"], 2)
        XCTAssertTrue(warning["params"]?["message"]?.stringValue?.contains("keeping 2") ?? false)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 2)
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["topK": 4]]])
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 4)
        // Settings that are not an object, and a key in the wrong case, are reported too.
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": "oops"]])
        XCTAssertNotNil(session.showMessage(containing: "maskfill settings must be an object"))
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["topk": 3]]])
        XCTAssertNotNil(session.showMessage(containing: "did you mean maskfill.topK?"))
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 4)
    }

    func testSettingsPulledFromClientsThatServeThem() throws {
        let session = InProcessSession()
        session.client.serverRequestHandler.withLock {
            $0 = { method, _ in method == "workspace/configuration" ? [["topK": 1, "maskTokens": ["___"]]] : .null }
        }
        try session.initialize(capabilities: ["workspace": ["configuration": true]])
        _ = try session.result("textDocument/hover", session.textPosition(0, 0))  // the settings request is answered meanwhile
        session.open("The ___ is red. The <mask> is not a mask now.")
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 7))["items"]?.arrayValue?.count, 1)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"], [])
    }

    func testMissingModelIsReportedAndRequestsGetEmptyAnswers() throws {
        let session = InProcessSession(modelPath: "/nonexistent/model")
        try session.initialize()
        let error = try XCTUnwrap(session.showMessage(containing: "cannot load the model"))
        XCTAssertEqual(error["params"]?["type"], 1)
        XCTAssertTrue(error["params"]?["message"]?.stringValue?.contains("/nonexistent/model") ?? false)
        session.open(sentence)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"], [])
        XCTAssertEqual(try session.result("textDocument/hover", session.textPosition(0, 22)), .null)
        XCTAssertEqual(try session.result("textDocument/codeAction", ["textDocument": ["uri": "file:///doc.md"], "range": ["start": session.position(0, 22), "end": session.position(0, 22)], "context": ["diagnostics": []]]), [])
        XCTAssertEqual(try session.errorCode("workspace/executeCommand", ["command": "maskfill.fillAll", "arguments": ["file:///doc.md"]]), ErrorCode.requestFailed)
        // A setting that names a working model brings suggestions.
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["modelPath": .string(LSPFixtures.modelFolder)]]])
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 5)
    }

    func testNoDefaultModelSaysWhy() throws {
        let session = InProcessSession(modelPath: nil, modelProblem: "no model found: pass --model DIR")
        try session.initialize()
        XCTAssertNotNil(session.showMessage(containing: "no model found"))
        session.open(sentence)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"], [])
    }

    func testBadModelPathSettingKeepsTheWorkingModel() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open(sentence)
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 5)
        session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["modelPath": "/no/such/model"]]])
        XCTAssertNotNil(session.showMessage(containing: "Still using"))
        XCTAssertEqual(try session.result("textDocument/completion", session.textPosition(0, 26))["items"]?.arrayValue?.count, 5)
    }

    func testCodeActionsOnAMask() throws {
        let session = InProcessSession()
        try session.initialize()
        session.open(sentence)
        func actions(_ character: Int, only: JSONValue? = nil) throws -> [JSONValue] {
            var context: JSONValue = ["diagnostics": []]
            if let only { context = ["diagnostics": [], "only": only] }
            let range: JSONValue = ["start": session.position(0, character), "end": session.position(0, character)]
            return try XCTUnwrap(session.result("textDocument/codeAction", ["textDocument": ["uri": "file:///doc.md"], "range": range, "context": context]).arrayValue)
        }
        let onMask = try actions(23)
        XCTAssertEqual(onMask.count, 4)
        let expected = try LSPFixtures.expectedSuggestions(window)
        for (action, suggestion) in zip(onMask.prefix(3), expected) {
            // "…" marks a piece that continues the previous word, as the hover does.
            XCTAssertEqual(action["title"]?.stringValue, "Replace with «\(suggestion.joinsPrevious ? "…" : "")\(suggestion.text)» (\(Percent.short(suggestion.score)))")
            XCTAssertEqual(action["kind"], "quickfix")
            let change = try XCTUnwrap(action["edit"]?["documentChanges"]?.arrayValue?.first)
            XCTAssertEqual(change["textDocument"], ["uri": "file:///doc.md", "version": 1])
            XCTAssertEqual(change["edits"]?.arrayValue?.first?["newText"]?.stringValue, suggestion.text)
        }
        XCTAssertEqual(onMask[0]["isPreferred"], true)
        XCTAssertEqual(onMask[3]["title"], "Fill every mask")
        XCTAssertEqual(onMask[3]["command"]?["command"], "maskfill.fillAll")
        XCTAssertEqual(onMask[3]["command"]?["arguments"], ["file:///doc.md"])
        XCTAssertEqual(try actions(23, only: ["refactor"]).map { $0["title"] }, ["Fill every mask"])
        XCTAssertEqual(try actions(23, only: ["quickfix"]).count, 3)
        XCTAssertEqual(try actions(3), [])
    }

    func testInlayHintsAfterEachMask() throws {
        let session = InProcessSession()
        try session.initialize(capabilities: ["textDocument": ["inlayHint": ["dynamicRegistration": false]]])
        session.open("One <mask> here.\n\n```\n<mask> in code\n```\nTwo [MASK] there and <mask>.")
        let range: JSONValue = ["start": session.position(0, 0), "end": session.position(9, 0)]
        let hints = try XCTUnwrap(session.result("textDocument/inlayHint", ["textDocument": ["uri": "file:///doc.md"], "range": range]).arrayValue)
        XCTAssertEqual(hints.map { $0["position"] }, [session.position(0, 10), session.position(5, 10), session.position(5, 27)])
        for hint in hints {
            XCTAssertTrue(hint["label"]?.stringValue?.hasSuffix("%") ?? false, "\(hint)")
            XCTAssertEqual(hint["paddingLeft"], true)
        }
        let firstLine: JSONValue = ["start": session.position(0, 0), "end": session.position(0, 16)]
        XCTAssertEqual(try session.result("textDocument/inlayHint", ["textDocument": ["uri": "file:///doc.md"], "range": firstLine]).arrayValue?.count, 1)
    }
}
