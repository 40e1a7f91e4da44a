import JSON

/// A JSON-RPC request id. LSP allows integers and strings; anything else makes the message
/// an invalid request.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case number(Int64)
    case string(String)

    init?(json: JSONValue) {
        switch json {
        case .int(let value): self = .number(value)
        case .string(let value): self = .string(value)
        default: return nil
        }
    }

    var json: JSONValue {
        switch self {
        case .number(let value): return .int(value)
        case .string(let value): return .string(value)
        }
    }

    public var description: String {
        switch self {
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}
