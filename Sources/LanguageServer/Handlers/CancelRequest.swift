import JSON

extension LanguageServer {
    /// `$/cancelRequest`: marks the request cancelled. Work not started answers -32800 when its
    /// turn comes; work running checks between steps. A request already answered is unaffected.
    func cancelRequest(_ params: JSONValue) throws(ResponseError) {
        guard let rawID = params["id"], let id = RequestID(json: rawID) else {
            throw .invalidParams("$/cancelRequest needs the id of a request")
        }
        requests.cancel(id)
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on a fill-all's progress.
    func cancelProgress(_ params: JSONValue) {
        guard let token = params["token"] else { return }
        progressCancellations[token]?.cancel()
    }
}
