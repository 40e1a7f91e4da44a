import JSON

/// A text edit in byte offsets of a document snapshot, turned into LSP terms when sent.
struct PlannedEdit: Sendable, Equatable {
    var range: Range<Int>
    var newText: String
}

/// Builds `WorkspaceEdit`s: versioned `documentChanges` when the client supports them (so a
/// stale edit is refused by the editor), plain `changes` otherwise.
enum WorkspaceEdits {
    static func make(_ edits: [PlannedEdit], in document: TextDocument, encoding: PositionEncoding, versioned: Bool) -> JSONValue {
        let textEdits = JSONValue.array(edits.map { edit in
            ["range": document.range(of: edit.range, encoding: encoding).json, "newText": .string(edit.newText)]
        })
        if versioned {
            let documentEdit: JSONValue = [
                "textDocument": ["uri": .string(document.uri), "version": .int(Int64(document.version))],
                "edits": textEdits,
            ]
            return ["documentChanges": [documentEdit]]
        }
        var changes = JSONObject()
        changes[document.uri] = textEdits
        return ["changes": .object(changes)]
    }
}
