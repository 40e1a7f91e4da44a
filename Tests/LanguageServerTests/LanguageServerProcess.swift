import Foundation
import JSON
@testable import LanguageServer
import TestSupport
import XCTest

/// The built `maskfill lsp` as an editor runs it: a child process spoken to over pipes. A
/// reader thread frames stdout with the server's own `MessageFramer` (so every byte on stdout
/// must be protocol) and keeps the messages until a test takes them.
final class LanguageServerProcess: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let condition = NSCondition()
    private var pending: [JSONValue] = []
    private(set) var everything: [JSONValue] = []
    private var framingProblems: [String] = []
    private var stderrData = Data()
    private var nextID = 1
    private var outputClosed = false

    init(arguments: [String] = ["lsp", "--model", LSPFixtures.modelFolder]) throws {
        process.executableURL = BuiltProducts.maskfill
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputHandle = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var framer = MessageFramer()
            while true {
                let data = outputHandle.availableData
                if data.isEmpty { break }
                framer.append(data)
                while let event = framer.next() {
                    condition.lock()
                    switch event {
                    case .message(let body):
                        if let json = try? JSONValue.parse(body) {
                            pending.append(json)
                            everything.append(json)
                        } else {
                            framingProblems.append("not JSON: \(String(decoding: body, as: UTF8.self))")
                        }
                    case .malformed(let problem):
                        framingProblems.append(problem)
                    }
                    condition.broadcast()
                    condition.unlock()
                }
            }
            condition.lock()
            outputClosed = true
            condition.broadcast()
            condition.unlock()
        }
        let errorHandle = errors.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = errorHandle.availableData
                if data.isEmpty { break }
                condition.lock()
                stderrData.append(data)
                condition.unlock()
            }
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var stderrText: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: stderrData, as: UTF8.self)
    }

    /// What arrived on stdout that was not a well-framed JSON message (should stay empty).
    var problems: [String] {
        condition.lock()
        defer { condition.unlock() }
        return framingProblems
    }

    // MARK: Sending

    func sendRaw(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    func send(_ message: JSONValue) {
        let body = message.serializedBytes()
        sendRaw(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    @discardableResult
    func request(_ method: String, _ params: JSONValue) -> Int {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        send(["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params])
        return id
    }

    func notify(_ method: String, _ params: JSONValue) {
        send(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Answers a request the server sent.
    func respond(to request: JSONValue, result: JSONValue) {
        send(["jsonrpc": "2.0", "id": request["id"] ?? .null, "result": result])
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    // MARK: Receiving

    /// Takes the first message (in arrival order) that matches.
    func take(timeout: TimeInterval = 20, _ description: String, where predicate: (JSONValue) -> Bool) throws -> JSONValue {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = pending.firstIndex(where: predicate) { return pending.remove(at: index) }
            if outputClosed { throw Timeout(description: "server closed stdout before \(description); stderr:\n\(stderrData.tail)") }
            if !condition.wait(until: deadline) {
                throw Timeout(description: "timed out waiting for \(description); stderr:\n\(stderrData.tail)")
            }
        }
    }

    func response(_ id: Int, timeout: TimeInterval = 20) throws -> JSONValue {
        try take(timeout: timeout, "the response to request \(id)") { $0["method"] == nil && $0["id"]?.intValue == id }
    }

    /// Sends a request and waits for its result (failing the test on an error response).
    func result(_ method: String, _ params: JSONValue, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        let message = try response(request(method, params), timeout: timeout)
        if let error = message["error"] { XCTFail("\(method) failed: \(error.serialized())", file: file, line: line) }
        return message["result"] ?? .null
    }

    func serverRequest(_ method: String, timeout: TimeInterval = 20) throws -> JSONValue {
        try take(timeout: timeout, "a \(method) request") { $0["method"]?.stringValue == method && $0["id"] != nil }
    }

    func notification(_ method: String, timeout: TimeInterval = 20, where predicate: (JSONValue) -> Bool = { _ in true }) throws -> JSONValue {
        try take(timeout: timeout, "a \(method) notification") { $0["method"]?.stringValue == method && $0["id"] == nil && predicate($0) }
    }

    /// Messages received so far that match, without taking them.
    func received(_ predicate: (JSONValue) -> Bool) -> [JSONValue] {
        condition.lock()
        defer { condition.unlock() }
        return everything.filter(predicate)
    }

    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                return nil
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return process.terminationStatus
    }
}

private extension Data {
    var tail: String { String(decoding: suffix(4000), as: UTF8.self) }
}
