import Dispatch
import Foundation
import JSON
import Synchronization

/// A client that talks to a server in the same process, without pipes: messages go in as
/// encoded bodies (through the same decoding as stdin) and come out through a transport that
/// queues them. For the latency benchmark and tests. Requests from the server are answered by
/// `serverRequestHandler` (default: null).
final class InProcessClient: Sendable {
    private final class Inbox: MessageTransport {
        let messages = Mutex<[JSONValue]>([])
        let arrived = DispatchSemaphore(value: 0)

        func send(_ message: JSONValue) {
            messages.withLock { $0.append(message) }
            arrived.signal()
        }
    }

    /// The code the server exited with, once it has.
    final class ExitRecord: Sendable {
        let code = Mutex<Int32?>(nil)
    }

    private let inbox = Inbox()
    private let nextID = Mutex<Int64>(1)
    let server: LanguageServer
    let exit = ExitRecord()
    /// Answers the server's own requests (`workspace/applyEdit`, progress creation …).
    let serverRequestHandler: Mutex<@Sendable (String, JSONValue) -> JSONValue>

    init(options: LanguageServerOptions) {
        let exit = self.exit
        serverRequestHandler = Mutex({ _, _ in .null })
        server = LanguageServer(options: options, transport: inbox) { code in exit.code.withLock { $0 = code } }
    }

    func notify(_ method: String, _ params: JSONValue) {
        deliver(OutgoingMessage.notification(method: method, params: params))
    }

    /// Sends a request and returns its id without waiting.
    func send(_ method: String, _ params: JSONValue) -> RequestID {
        let id = nextID.withLock { id in
            defer { id += 1 }
            return RequestID.number(id)
        }
        deliver(OutgoingMessage.request(id: id, method: method, params: params))
        return id
    }

    /// Sends a request and waits for its response (the whole message), answering server
    /// requests that arrive meanwhile. Nil on timeout.
    func request(_ method: String, _ params: JSONValue, timeout: Duration = .seconds(60)) -> JSONValue? {
        let id = send(method, params)
        return waitForResponse(id, timeout: timeout)
    }

    func waitForResponse(_ id: RequestID, timeout: Duration = .seconds(60)) -> JSONValue? {
        waitFor(timeout: timeout) { message in
            message["method"] == nil && message["id"].flatMap(RequestID.init(json:)) == id
        }
    }

    /// Waits for the first message matching `predicate` (removing it); server requests that
    /// do not match are answered by `serverRequestHandler`, other messages are kept.
    func waitFor(timeout: Duration, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (found, requests) = inbox.messages.withLock { messages -> (JSONValue?, [JSONValue]) in
                var requests: [JSONValue] = []
                var found: JSONValue?
                var kept: [JSONValue] = []
                for message in messages {
                    if found == nil, predicate(message) {
                        found = message
                    } else if message["method"] != nil, message["id"] != nil {
                        requests.append(message)
                    } else {
                        kept.append(message)
                    }
                }
                messages = kept
                return (found, requests)
            }
            for request in requests { answer(request) }
            if let found { return found }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            _ = inbox.arrived.wait(timeout: .now() + .milliseconds(20))
        }
    }

    /// Everything received and not yet taken.
    func drain() -> [JSONValue] {
        inbox.messages.withLock { messages in
            defer { messages = [] }
            return messages
        }
    }

    private func answer(_ request: JSONValue) {
        guard let id = request["id"].flatMap(RequestID.init(json:)), let method = request["method"]?.stringValue else { return }
        let handler = serverRequestHandler.withLock { $0 }
        deliver(OutgoingMessage.response(id: id, result: handler(method, request["params"] ?? .null)))
    }

    func deliver(_ message: JSONValue) {
        server.receive(.message(message.serializedBytes()))
    }
}
