import Dispatch
import JSON
@testable import LanguageServer
import Synchronization
import XCTest

/// A server in this process with a test's view of it: LSP requests as one-liners, and a way to
/// hold the inference queue so that cancellation and staleness can be tested deterministically.
final class InProcessSession {
    let client: InProcessClient
    private(set) var version = 1

    init(modelPath: String? = LSPFixtures.modelFolder, modelProblem: String? = nil) {
        client = InProcessClient(options: LanguageServerOptions(
            modelPath: modelPath, modelProblem: modelProblem, precision: LSPFixtures.precision, version: "test",
            logsToStandardError: false))
    }

    static let defaultCapabilities: JSONValue = [
        "workspace": ["workspaceEdit": ["documentChanges": true]],
        "textDocument": ["codeAction": ["codeActionLiteralSupport": ["codeActionKind": ["valueSet": ["quickfix", "refactor"]]]]],
    ]

    @discardableResult
    func initialize(capabilities: JSONValue = defaultCapabilities, options: JSONValue = .null) throws -> JSONValue {
        let response = try XCTUnwrap(client.request("initialize", ["processId": .null, "rootUri": .null, "capabilities": capabilities, "initializationOptions": options]))
        client.notify("initialized", [:])
        return try XCTUnwrap(response["result"])
    }

    func open(_ text: String, uri: String = "file:///doc.md", language: String = "markdown") {
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": .string(language), "version": .int(Int64(version)), "text": .string(text)]])
    }

    /// Replaces the whole text (a new version).
    func replaceText(_ text: String, uri: String = "file:///doc.md") {
        version += 1
        client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(version))], "contentChanges": [["text": .string(text)]]])
    }

    func position(_ line: Int, _ character: Int) -> JSONValue {
        ["line": .int(Int64(line)), "character": .int(Int64(character))]
    }

    func textPosition(_ line: Int, _ character: Int, uri: String = "file:///doc.md") -> JSONValue {
        ["textDocument": ["uri": .string(uri)], "position": position(line, character)]
    }

    /// The whole response to a request.
    func call(_ method: String, _ params: JSONValue, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        try XCTUnwrap(client.request(method, params, timeout: .seconds(30)), "no response to \(method)", file: file, line: line)
    }

    func result(_ method: String, _ params: JSONValue, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        let response = try call(method, params, file: file, line: line)
        if let error = response["error"] { XCTFail("\(method): \(error.serialized())", file: file, line: line) }
        return response["result"] ?? .null
    }

    func errorCode(_ method: String, _ params: JSONValue, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
        try call(method, params, file: file, line: line)["error"]?["code"]?.intValue
    }

    /// Runs `body` while the inference queue is held: jobs queued meanwhile start only after.
    func holdingInference(_ body: () throws -> Void) rethrows {
        let release = DispatchSemaphore(value: 0)
        let held = DispatchSemaphore(value: 0)
        client.server.engine.queue.async {
            held.signal()
            release.wait()
        }
        held.wait()
        defer { release.signal() }
        try body()
    }

    /// Waits for a notification (or any message) that matches.
    func message(timeout: Duration = .seconds(20), _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        client.waitFor(timeout: timeout, predicate)
    }

    func showMessage(containing text: String, timeout: Duration = .seconds(20)) -> JSONValue? {
        message(timeout: timeout) { $0["method"]?.stringValue == "window/showMessage" && ($0["params"]?["message"]?.stringValue?.contains(text) ?? false) }
    }
}

/// The server's applyEdit requests as a session's client received them.
final class EditRecorder: Sendable {
    let edits = Mutex<[JSONValue]>([])
    let requests = Mutex<[String]>([])
}

extension InProcessSession {
    /// An initialized session whose client records every request from the server and answers
    /// `workspace/applyEdit` with `answer`.
    static func recordingEdits(capabilities: JSONValue = defaultCapabilities, answer: JSONValue = ["applied": true]) throws -> (InProcessSession, EditRecorder) {
        let session = InProcessSession()
        let recorder = EditRecorder()
        session.client.serverRequestHandler.withLock {
            $0 = { method, params in
                recorder.requests.withLock { $0.append(method) }
                guard method == "workspace/applyEdit" else { return .null }
                recorder.edits.withLock { $0.append(params) }
                return answer
            }
        }
        try session.initialize(capabilities: capabilities)
        return (session, recorder)
    }
}
