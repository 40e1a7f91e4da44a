import JSON

extension LanguageServer {
    /// `textDocument/didChange`: incremental edits (or whole texts), applied in order. The new
    /// revision makes work queued for the old text stale.
    func didChange(_ params: JSONValue) throws(ResponseError) {
        let uri = try Params.uri(params)
        guard let events = params["contentChanges"]?.arrayValue else { throw .invalidParams("didChange needs contentChanges") }
        var changes: [(range: TextRange?, text: String)] = []
        for event in events {
            guard let text = event["text"]?.stringValue else { throw .invalidParams("a content change needs text") }
            var range: TextRange?
            if let rawRange = event["range"], !rawRange.isNull {
                guard let parsed = TextRange(json: rawRange) else { throw .invalidParams("a content change range must be {start, end}") }
                range = parsed
            }
            changes.append((range, text))
        }
        let version = params["textDocument"]?["version"]?.intValue
        guard let revision = documents.change(uri, version: version, changes: changes, encoding: encoding) else {
            throw .invalidParams("didChange for \(uri), which is not open")
        }
        engine.staleness.noteRevision(revision, of: uri)
    }
}
