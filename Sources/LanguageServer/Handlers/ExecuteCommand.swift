import JSON

extension LanguageServer {
    /// `workspace/executeCommand`: `maskfill.fillAll` with the document URI as its argument.
    /// Reports progress on the client's work-done token, or on one it asks the client to create
    /// when the client can show progress. The fill-all runs against the document as it is now.
    func executeCommand(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        guard let command = params["command"]?.stringValue else { throw .invalidParams("command must be a string") }
        guard command == ServerCapabilities.fillAllCommand else {
            throw .invalidParams("unknown command \"\(command)\" (this server has \(ServerCapabilities.fillAllCommand))")
        }
        let argument = params["arguments"]?.arrayValue?.first
        guard let uri = argument?.stringValue ?? argument?["uri"]?.stringValue else {
            throw .invalidParams("\(command) takes the document URI as its argument")
        }
        guard documents.document(uri) != nil else { throw .invalidParams("\(uri) is not open") }
        switch documents.doubt(of: uri) {
        case .lostChange:
            throw .requestFailed("MaskFill missed a change to \(uri), so its text may not be the editor's: reopen the document, then fill again")
        case .editInFlight:
            throw .contentModified("the edit MaskFill sent last has not reached it yet: fill again once it has")
        case nil:
            break
        }
        guard let snapshot = snapshot(of: uri), !snapshot.layout.masks.isEmpty else {
            reply.succeed(FillAllResult.nothingToFill)
            return
        }
        guard engine.models.current != nil || engine.models.isLoading else {
            throw .requestFailed("no model is loaded: \(engine.models.problem ?? "unknown reason")")
        }
        if let token = params["workDoneToken"], token.stringValue != nil || token.intValue != nil {
            startFillAll(snapshot, reply: reply, progress: WorkDoneProgress(token: token, transport: transport))
        } else if client.workDoneProgress {
            let token = JSONValue.string("maskfill-fill-all-\(nextProgressToken)")
            nextProgressToken += 1
            reply.failWhenCancelled()
            outgoing.send("window/workDoneProgress/create", params: ["token": token]) { result in
                // Runs on the loop. Without a token (the client refused) the fill runs unreported.
                var progress: WorkDoneProgress?
                if case .success = result { progress = WorkDoneProgress(token: token, transport: self.transport) }
                self.startFillAll(snapshot, reply: reply, progress: progress)
            }
        } else {
            startFillAll(snapshot, reply: reply, progress: nil)
        }
    }
}

enum FillAllResult {
    static let nothingToFill: JSONValue = ["applied": false, "filled": 0, "masks": 0]
}
