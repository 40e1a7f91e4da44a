import JSON

extension LanguageServer {
    /// `textDocument/codeAction` on a mask: "Replace with «word» (NN%)" for its top three
    /// candidates (versioned edits where the client takes them, so it will not apply them to
    /// changed text), and "Fill every mask". Nothing away from masks: editors ask on every
    /// cursor move.
    func codeAction(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        let uri = try Params.uri(params)
        let range = try Params.range(params)
        // Without a model (and none loading) there is nothing to offer, not even fill-all.
        guard let snapshot = snapshot(of: uri), engine.models.current != nil || engine.models.isLoading else {
            reply.succeed([])
            return
        }
        let document = snapshot.document
        let start = document.offset(of: range.start, encoding: encoding)
        let end = max(start, document.offset(of: range.end, encoding: encoding))
        let touching = snapshot.layout.maskIndices(touching: start..<end)
        guard let mask = snapshot.layout.maskIndex(at: start) ?? touching.first else {
            reply.succeed([])
            return
        }
        let only = params["context"]?["only"]?.arrayValue?.compactMap(\.stringValue)
        let wantsReplace = Self.allows(only, kind: CodeActionKinds.replace)
        var fillAll: JSONValue?  // not `nil` in a ternary: JSONValue is nil-literal expressible, that would be `.null`
        if Self.allows(only, kind: CodeActionKinds.fillAll) { fillAll = CodeActions.fillAll(uri: uri, literal: client.codeActionLiterals) }
        guard wantsReplace, client.codeActionLiterals else {
            reply.succeed(.array(fillAll.map { [$0] } ?? []))
            return
        }
        let fillAllAction = fillAll
        let query = MaskQuery(snapshot: snapshot, mask: mask)
        let (encoding, versioned) = (encoding, client.documentChanges)
        withSuggestions(
            for: query, reply: reply, isWanted: isCurrent(snapshot),
            stale: { reply.succeed([]) },
            answer: { suggestions in
                var actions = suggestions.prefix(3).enumerated().map { rank, suggestion in
                    CodeActions.replace(query: query, with: suggestion, preferred: rank == 0, encoding: encoding, versioned: versioned)
                }
                if let fillAllAction { actions.append(fillAllAction) }
                reply.succeed(.array(actions))
            })
    }

    /// Whether a `context.only` filter lets `kind` through (a listed kind covers its sub-kinds).
    static func allows(_ only: [String]?, kind: String) -> Bool {
        guard let only else { return true }
        return only.contains { $0.isEmpty || kind == $0 || kind.hasPrefix($0 + ".") }
    }
}

enum CodeActions {
    static func replace(query: MaskQuery, with suggestion: Suggestion, preferred: Bool, encoding: PositionEncoding, versioned: Bool) -> JSONValue {
        let document = query.snapshot.document
        let mask = query.maskRange
        let start = suggestion.joinsPrevious ? WordJoin.replacementStart(in: document.bytes[...], before: mask.lowerBound) : mask.lowerBound
        let edit = PlannedEdit(range: start..<mask.upperBound, newText: suggestion.text)
        return [
            "title": .string("Replace with «\(suggestion.joinsPrevious ? "…" : "")\(suggestion.text)» (\(Percent.short(suggestion.score)))"),
            "kind": .string(CodeActionKinds.replace),
            "isPreferred": .bool(preferred),
            "edit": WorkspaceEdits.make([edit], in: document, encoding: encoding, versioned: versioned),
        ]
    }

    /// "Fill every mask": a code action carrying the command, or the bare command for clients
    /// without code action literals.
    static func fillAll(uri: String, literal: Bool) -> JSONValue {
        let command: JSONValue = [
            "title": "Fill every mask", "command": .string(ServerCapabilities.fillAllCommand), "arguments": [.string(uri)],
        ]
        guard literal else { return command }
        return ["title": "Fill every mask", "kind": .string(CodeActionKinds.fillAll), "command": command]
    }
}
