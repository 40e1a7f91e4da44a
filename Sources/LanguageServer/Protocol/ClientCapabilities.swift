import JSON

/// The parts of the client's capabilities the server acts on.
struct ClientCapabilities: Sendable {
    var positionEncodings: [String] = []
    /// `window.workDoneProgress`: the server may create progress tokens.
    var workDoneProgress = false
    /// `workspace.workspaceEdit.documentChanges`: versioned edits are understood.
    var documentChanges = false
    /// `textDocument.inlayHint` present.
    var inlayHints = false
    var inlayHintRefresh = false
    /// `workspace.configuration`: the server may ask for settings.
    var configurationPull = false
    /// Hover content as markdown (the client's preference) or plain text.
    var hoverMarkdown = true
    /// `textDocument.codeAction.codeActionLiteralSupport`: actions may carry edits.
    var codeActionLiterals = false

    init() {}

    init(json: JSONValue?) {
        guard let json else { return }
        positionEncodings = json["general"]?["positionEncodings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        workDoneProgress = json["window"]?["workDoneProgress"]?.boolValue ?? false
        documentChanges = json["workspace"]?["workspaceEdit"]?["documentChanges"]?.boolValue ?? false
        inlayHints = json["textDocument"]?["inlayHint"]?.objectValue != nil
        inlayHintRefresh = json["workspace"]?["inlayHint"]?["refreshSupport"]?.boolValue ?? false
        configurationPull = json["workspace"]?["configuration"]?.boolValue ?? false
        if let formats = json["textDocument"]?["hover"]?["contentFormat"]?.arrayValue?.compactMap(\.stringValue), !formats.isEmpty {
            hoverMarkdown = formats.contains("markdown")
        }
        codeActionLiterals = json["textDocument"]?["codeAction"]?["codeActionLiteralSupport"]?.objectValue != nil
    }
}
