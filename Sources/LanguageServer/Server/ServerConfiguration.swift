import JSON

/// The settings under `maskfill` (initializationOptions, workspace/didChangeConfiguration,
/// or workspace/configuration).
struct ServerConfiguration: Equatable, Sendable {
    /// A model folder; nil means the one the command line named, else the default in Models/.
    var modelPath: String?
    /// Completions offered per mask.
    var topK = 5
    /// Spellings that count as masks; nil means `<mask>`, `[MASK]` and the model's own token.
    var maskTokens: [String]?
    /// Most tokens a context window holds (also limited by the model's maximum).
    var contextTokens = 96

    static let topKRange = 1...50
    static let contextTokensRange = 16...4096
    static let maxMaskTokenBytes = 64
}

/// Reads settings. Each bad value is reported with what was expected and leaves that setting
/// as it was; the good values in the same change still apply. Settings not mentioned keep
/// their value. Unknown keys (a client's own, like `trace` or VS Code's `path`) are ignored,
/// but one that differs from a setting only in case (`topk`) is reported as the slip it is.
enum ConfigurationParser {
    static let keys: Set<String> = ["modelPath", "topK", "maskTokens", "contextTokens"]

    /// The `maskfill` section of a settings object: `{"maskfill": {...}}`, or the section
    /// itself when the client sent it bare.
    static func section(from settings: JSONValue?) -> JSONObject? {
        guard let object = settings?.objectValue else { return nil }
        if let nested = object["maskfill"] { return nested.objectValue }
        return object.contains(where: { keys.contains($0.key) }) ? object : nil
    }

    /// Why the settings' `maskfill` member cannot be read (it is there but not an object).
    static func sectionProblem(in settings: JSONValue?) -> String? {
        guard let value = settings?["maskfill"], !value.isNull, value.objectValue == nil else { return nil }
        return "maskfill settings must be an object such as {\"topK\": 5}, not \(describe(value)); nothing was changed"
    }

    static func apply(_ section: JSONObject, to current: ServerConfiguration) -> (ServerConfiguration, problems: [String]) {
        var updated = current
        var problems: [String] = []
        for key in section.map(\.key) where !keys.contains(key) {
            if let meant = keys.first(where: { $0.lowercased() == key.lowercased() }) {
                problems.append("maskfill.\(key) is not a setting: did you mean maskfill.\(meant)?")
            }
        }
        if let value = section["modelPath"] {
            switch value {
            case .null: updated.modelPath = nil
            case .string(let path) where !path.isEmpty: updated.modelPath = path
            default:
                problems.append("maskfill.modelPath must be a folder path (a non-empty string), not \(describe(value)); keeping \(current.modelPath.map { "\"\($0)\"" } ?? "the default model")")
            }
        }
        if let value = section["topK"] {
            if let topK = value.intValue, ServerConfiguration.topKRange.contains(topK) {
                updated.topK = topK
            } else {
                problems.append("maskfill.topK must be a whole number from \(ServerConfiguration.topKRange.lowerBound) to \(ServerConfiguration.topKRange.upperBound), not \(describe(value)); keeping \(current.topK)")
            }
        }
        if let value = section["contextTokens"] {
            let range = ServerConfiguration.contextTokensRange
            if let tokens = value.intValue, range.contains(tokens) {
                updated.contextTokens = tokens
            } else {
                problems.append("maskfill.contextTokens must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(describe(value)); keeping \(current.contextTokens)")
            }
        }
        if let value = section["maskTokens"] {
            switch maskTokens(value) {
            case .success(let tokens): updated.maskTokens = tokens
            case .failure(let problem):
                let kept = current.maskTokens.map { $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "the defaults"
                problems.append("maskfill.maskTokens \(problem.message); keeping \(kept)")
            }
        }
        return (updated, problems)
    }

    private struct Problem: Error {
        var message: String
    }

    private static func maskTokens(_ value: JSONValue) -> Result<[String]?, Problem> {
        if value.isNull { return .success(nil) }
        guard let array = value.arrayValue else { return .failure(Problem(message: "must be a list of strings, not \(describe(value))")) }
        guard !array.isEmpty else { return .failure(Problem(message: "must name at least one mask spelling (use null for the defaults)")) }
        var tokens: [String] = []
        for element in array {
            guard let token = element.stringValue else { return .failure(Problem(message: "must be a list of strings, not one holding \(describe(element))")) }
            guard !token.isEmpty, token.utf8.count <= ServerConfiguration.maxMaskTokenBytes,
                !token.unicodeScalars.contains(where: { $0.properties.isWhitespace })
            else {
                return .failure(Problem(message: "entries must be 1 to \(ServerConfiguration.maxMaskTokenBytes) bytes without spaces, not \(describe(element))"))
            }
            tokens.append(token)
        }
        return .success(tokens)
    }

    private static func describe(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}
