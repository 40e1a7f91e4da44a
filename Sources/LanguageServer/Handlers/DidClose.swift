import JSON

extension LanguageServer {
    /// `textDocument/didClose`: forgets the document; work queued for it is dropped.
    func didClose(_ params: JSONValue) throws(ResponseError) {
        let uri = try Params.uri(params)
        _ = documents.close(uri)
        engine.staleness.noteRevision(nil, of: uri)
    }
}
