import JSON

/// The error codes JSON-RPC 2.0 and LSP 3.17 define, as the server uses them.
public enum ErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let serverNotInitialized = -32002
    public static let requestFailed = -32803
    public static let requestCancelled = -32800
    public static let contentModified = -32801
}

/// The `error` member of a response: a code from `ErrorCode` and a message for people.
public struct ResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    static func parseError(_ message: String) -> ResponseError { ResponseError(code: ErrorCode.parseError, message: message) }
    static func invalidRequest(_ message: String) -> ResponseError { ResponseError(code: ErrorCode.invalidRequest, message: message) }
    static func invalidParams(_ message: String) -> ResponseError { ResponseError(code: ErrorCode.invalidParams, message: message) }
    static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: ErrorCode.methodNotFound, message: "method not found: \(method)")
    }
    static func requestFailed(_ message: String) -> ResponseError { ResponseError(code: ErrorCode.requestFailed, message: message) }
    static let serverNotInitialized = ResponseError(code: ErrorCode.serverNotInitialized, message: "the server has not been initialized")
    static let requestCancelled = ResponseError(code: ErrorCode.requestCancelled, message: "request cancelled")
    static func contentModified(_ message: String) -> ResponseError { ResponseError(code: ErrorCode.contentModified, message: message) }

    /// Reads the `error` member of a response the client sent.
    init?(json: JSONValue) {
        guard let code = json["code"]?.intValue else { return nil }
        self.init(code: code, message: json["message"]?.stringValue ?? "")
    }

    var json: JSONValue { ["code": .int(Int64(code)), "message": .string(message)] }

    public var description: String { "\(message) (\(code))" }
}
