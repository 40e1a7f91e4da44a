import JSON

extension LanguageServer {
    /// `textDocument/didChange`: incremental edits (or whole texts), applied in order. The new
    /// revision makes work queued for the old text stale. A change that cannot be applied
    /// leaves the document in doubt (`loseTrack`): later changes would apply to the wrong text.
    func didChange(_ params: JSONValue) throws(ResponseError) {
        let uri: String
        do throws(ResponseError) {
            uri = try Params.uri(params)
        } catch {
            loseTrack(of: documents.openURIs, because: "a change from the editor named no document")
            throw error
        }
        do throws(ResponseError) {
            try applyChange(params, to: uri)
        } catch {
            loseTrack(of: [uri], because: "a change from the editor could not be applied (\(error.message))")
            throw error
        }
    }

    private func applyChange(_ params: JSONValue, to uri: String) throws(ResponseError) {
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
