import JSON

/// What a message that could not be decoded may have been.
enum UnreadableMessage {
    /// Whether it may have changed (or reopened) a document, so that the server's copies may now
    /// lack that change: yes unless it can be read far enough to see it was something else (a
    /// response, another method). Text that is not JSON at all, such as a change whose text is
    /// not UTF-8, counts as a change.
    static func mayHaveChangedDocuments(_ body: [UInt8]) -> Bool {
        guard let json = try? JSONValue.parse(body, loneSurrogates: .replace) else { return true }
        if let batch = json.arrayValue { return batch.contains(where: mayBeChange) }
        return mayBeChange(json)
    }

    private static func mayBeChange(_ message: JSONValue) -> Bool {
        guard let object = message.objectValue, let method = object["method"] else { return false }
        guard let name = method.stringValue else { return true }
        return name == "textDocument/didChange" || name == "textDocument/didOpen"
    }
}
