/// Why a tokenizer.json could not be loaded or used. Messages name the offending part so a
/// user can tell what to fix (`unsupported normalizer type "Precompiled"`).
public struct TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    static func unsupported(_ component: String, type: String) -> TokenizerError {
        TokenizerError("unsupported \(component) type \"\(type)\"")
    }

    static func missing(_ field: String, in component: String) -> TokenizerError {
        TokenizerError("\(component): missing or invalid field \"\(field)\"")
    }
}
