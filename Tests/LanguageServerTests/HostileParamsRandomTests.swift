import JSON
@testable import LanguageServer
import XCTest

/// Every message the server handles, with its params randomly broken: members dropped or added,
/// values replaced by other types, huge or negative numbers, odd text. The server must answer
/// every request (a result or an error), and after each batch still answer a plain hover on a
/// fresh document. Seeded, so a failure repeats.
final class HostileParamsRandomTests: XCTestCase {
    func testBrokenParamsNeverStopTheServer() throws {
        var random = SplitMix64(seed: 11)
        let session = InProcessSession()
        try session.initialize(capabilities: ["workspace": ["applyEdit": true], "general": ["positionEncodings": ["utf-16"]]])
        session.client.serverRequestHandler.withLock { $0 = { _, _ in ["applied": false] } }
        var version = 1
        session.open("I have <mask> this.\n\n`<mask>` and [MASK].", uri: BrokenMessages.uri, language: "markdown")
        for round in 0..<150 {
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                version += 1
                var message = BrokenMessages.template(version: version, using: &random)
                if Int.random(in: 0..<5, using: &random) > 0 {
                    message.params = BrokenMessages.mutate(message.params, using: &random)
                }
                if message.isRequest {
                    let response = try XCTUnwrap(session.client.request(message.method, message.params, timeout: .seconds(30)),
                                                 "round \(round): no answer to \(message.method) \(message.params.serialized())")
                    XCTAssertTrue(response["result"] != nil || response["error"] != nil, "round \(round): \(response.serialized())")
                } else {
                    session.client.notify(message.method, message.params)
                }
            }
            // still serving: good settings, a fresh document, a hover on its mask
            session.client.notify("workspace/didChangeConfiguration", ["settings": ["maskfill": ["topK": 5, "contextTokens": 96, "maskTokens": ["<mask>", "[MASK]"]]]])
            let uri = "file:///fresh-\(round).txt"
            session.open("I have watched this <mask> and it was awesome.", uri: uri, language: "plaintext")
            let hover = try session.result("textDocument/hover", session.textPosition(0, 22, uri: uri))
            XCTAssertNotNil(hover["contents"], "round \(round): the hover after a broken batch is \(hover.serialized())")
            session.client.notify("textDocument/didClose", ["textDocument": ["uri": .string(uri)]])
        }
    }
}

/// Valid messages for each method and a way to break them.
private enum BrokenMessages {
    static let uri = "file:///hostile.md"

    struct Message {
        let method: String
        var params: JSONValue
        let isRequest: Bool
    }

    static let odd: [JSONValue] = [
        .null, true, false, 0, -1, 1, .int(Int64(Int32.max)), .int(Int64.max), .int(Int64.min), 1.5, .double(1e308),
        .double(-0.0), "", "x", "\u{0}", "\u{FFFD}", [], [:], [1, 2], ["a": 1], "file:///nowhere", .string(String(repeating: "<mask>", count: 300)),
    ]
    static let pieces = ["<mask>", "[MASK]", "é", "\u{301}", "😀", "\n", "\r\n", "\r", " ", "a", "\t", "`", "```\n", "    "]

    static func pick<T>(_ values: [T], using random: inout SplitMix64) -> T {
        values[Int.random(in: 0..<values.count, using: &random)]
    }

    static func text(using random: inout SplitMix64) -> JSONValue {
        .string((0..<Int.random(in: 0...40, using: &random)).map { _ in pick(pieces, using: &random) }.joined())
    }

    static func position(using random: inout SplitMix64) -> JSONValue {
        ["line": .int(Int64(pick([0, 1, 2, 3, 7, -1, 1_000_000], using: &random))),
         "character": .int(Int64(pick([0, 1, 7, 12, 13, -1, 1 << 40], using: &random)))]
    }

    static func range(using random: inout SplitMix64) -> JSONValue {
        ["start": position(using: &random), "end": position(using: &random)]
    }

    static func template(version: Int, using random: inout SplitMix64) -> Message {
        let document: JSONValue = ["uri": .string(uri)]
        let versioned: JSONValue = ["uri": .string(uri), "version": .int(Int64(version))]
        switch Int.random(in: 0..<13, using: &random) {
        case 0: return Message(method: "textDocument/didChange", params: ["textDocument": versioned, "contentChanges": [["range": range(using: &random), "text": text(using: &random)]]], isRequest: false)
        case 1: return Message(method: "textDocument/didChange", params: ["textDocument": versioned, "contentChanges": [["text": text(using: &random)]]], isRequest: false)
        case 2: return Message(method: "textDocument/didOpen", params: ["textDocument": ["uri": .string(uri), "languageId": pick(["markdown", "plaintext", "python"], using: &random), "version": .int(Int64(version)), "text": text(using: &random)]], isRequest: false)
        case 3: return Message(method: "textDocument/didClose", params: ["textDocument": document], isRequest: false)
        case 4: return Message(method: "textDocument/completion", params: ["textDocument": document, "position": position(using: &random), "context": ["triggerKind": 2, "triggerCharacter": ">"]], isRequest: true)
        case 5: return Message(method: "textDocument/hover", params: ["textDocument": document, "position": position(using: &random)], isRequest: true)
        case 6: return Message(method: "textDocument/codeAction", params: ["textDocument": document, "range": range(using: &random), "context": ["diagnostics": []]], isRequest: true)
        case 7: return Message(method: "textDocument/inlayHint", params: ["textDocument": document, "range": range(using: &random)], isRequest: true)
        case 8: return Message(method: "workspace/executeCommand", params: ["command": pick(["maskfill.fillAll", "other"], using: &random), "arguments": pick([[.string(uri)], [], [5], .null], using: &random)], isRequest: true)
        case 9: return Message(method: "workspace/didChangeConfiguration", params: ["settings": ["maskfill": ["topK": pick([1, 5, 50, 0, 51, "5", .null], using: &random), "contextTokens": pick([16, 96, 4096, 0, .null], using: &random), "maskTokens": pick([["<mask>"], [""], [], ["<"], .null, ["é", "<mask>"]], using: &random)]]], isRequest: false)
        case 10: return Message(method: "$/cancelRequest", params: ["id": pick([1, "x", .null, -1], using: &random)], isRequest: false)
        case 11: return Message(method: "completionItem/resolve", params: ["label": "x", "data": pick(odd, using: &random)], isRequest: true)
        default: return Message(method: pick(["unknown/method", "initialize"], using: &random), params: [:], isRequest: true)
        }
    }

    static func mutate(_ value: JSONValue, using random: inout SplitMix64) -> JSONValue {
        if Int.random(in: 0..<7, using: &random) == 0 { return pick(odd, using: &random) }
        switch value {
        case .object(let object):
            var members: [JSONObject.Member] = []
            for member in object where Int.random(in: 0..<12, using: &random) > 0 {
                members.append(JSONObject.Member(key: member.key, value: mutate(member.value, using: &random)))
            }
            if Int.random(in: 0..<20, using: &random) == 0 {
                members.append(JSONObject.Member(key: pick(["uri", "version", "extra", "position"], using: &random), value: pick(odd, using: &random)))
            }
            return .object(JSONObject(members))
        case .array(let values):
            return .array(values.filter { _ in Int.random(in: 0..<20, using: &random) > 0 }.map { mutate($0, using: &random) })
        case .string where Int.random(in: 0..<5, using: &random) == 0:
            return text(using: &random)
        case .int where Int.random(in: 0..<3, using: &random) == 0:
            return .int(pick([-1, 0, 1, Int64(Int32.max) + 1, 1 << 50, -(1 << 40)], using: &random))
        default:
            return value
        }
    }
}
