import JSON

/// What the server advertises in its `initialize` result: only what it implements.
enum ServerCapabilities {
    static let fillAllCommand = "maskfill.fillAll"
    static let triggerCharacters: [String] = [">", "]"]

    static func json(encoding: PositionEncoding, client: ClientCapabilities) -> JSONValue {
        var capabilities: JSONObject = JSONObject()
        capabilities["positionEncoding"] = .string(encoding.rawValue)
        capabilities["textDocumentSync"] = ["openClose": true, "change": 2]  // Incremental
        capabilities["completionProvider"] = [
            "triggerCharacters": .array(triggerCharacters.map(JSONValue.string)),
            "resolveProvider": false,
        ]
        capabilities["hoverProvider"] = true
        if client.codeActionLiterals {
            capabilities["codeActionProvider"] = [
                "codeActionKinds": .array([.string(CodeActionKinds.replace), .string(CodeActionKinds.fillAll)]),
                "resolveProvider": false,
            ]
        } else {
            capabilities["codeActionProvider"] = true
        }
        capabilities["executeCommandProvider"] = ["commands": [.string(fillAllCommand)]]
        if client.inlayHints {
            capabilities["inlayHintProvider"] = ["resolveProvider": false]
        }
        return .object(capabilities)
    }
}

enum CodeActionKinds {
    static let replace = "quickfix"
    static let fillAll = "refactor.rewrite"
}
