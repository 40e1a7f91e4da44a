import JSON

/// `$/progress` reports for one token: begin, reports, end.
struct WorkDoneProgress: Sendable {
    let token: JSONValue
    let transport: any MessageTransport

    func begin(title: String, message: String, cancellable: Bool) {
        send(["kind": "begin", "title": .string(title), "cancellable": .bool(cancellable), "message": .string(message), "percentage": 0])
    }

    func report(message: String, percentage: Int) {
        send(["kind": "report", "message": .string(message), "percentage": .int(Int64(min(100, max(0, percentage))))])
    }

    func end(message: String) {
        send(["kind": "end", "message": .string(message)])
    }

    private func send(_ value: JSONValue) {
        transport.send(OutgoingMessage.notification(method: "$/progress", params: ["token": token, "value": value]))
    }
}
