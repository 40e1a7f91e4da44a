import JSON

extension LanguageServer {
    /// `textDocument/didOpen`: a new document (or a reopened one, replacing what was there).
    func didOpen(_ params: JSONValue) throws(ResponseError) {
        let item = params["textDocument"]
        guard let uri = item?["uri"]?.stringValue, let text = item?["text"]?.stringValue else {
            // A reopen of an open document that cannot be read leaves the old text here; without
            // its uri, it may have been any of them.
            let uris = item?["uri"]?.stringValue.map { [$0] } ?? documents.openURIs
            loseTrack(of: uris, because: "a reopened document's text could not be read")
            throw .invalidParams("didOpen needs textDocument.uri and textDocument.text")
        }
        let document = TextDocument(
            uri: uri, languageID: item?["languageId"]?.stringValue ?? "", version: item?["version"]?.intValue ?? 0, text: text)
        let revision = documents.open(document)
        engine.staleness.noteRevision(revision, of: uri)
    }
}
