/// The languages the server offers masks in; other documents are tracked (so their text
/// stays right) but get no features.
enum DocumentLanguage: Sendable, Equatable {
    case plainText
    case markdown
    case other

    init(languageID: String) {
        switch languageID.lowercased() {
        case "plaintext", "text", "txt": self = .plainText
        case "markdown", "md": self = .markdown
        default: self = .other
        }
    }

    var hasMasks: Bool { self != .other }
}
