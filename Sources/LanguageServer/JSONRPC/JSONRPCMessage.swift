import JSON

/// One decoded JSON-RPC 2.0 message from the client.
enum IncomingMessage: Sendable, Equatable {
    case request(RequestID, method: String, params: JSONValue)
    case notification(method: String, params: JSONValue)
    case response(RequestID, Result<JSONValue, ResponseError>)
}

/// A body that is not a message the server can act on. `answer` is the error response to
/// send (with `id` null when the id could not be read); responses that are malformed get
/// none, since nobody waits for an answer to an answer.
struct MessageDecodingFailure: Error, Equatable {
    var id: RequestID?
    var error: ResponseError
    var answer: Bool
}

extension IncomingMessage {
    /// Decodes one framed body: parse errors are -32700, well-formed JSON that is not a
    /// request, notification or response is -32600.
    static func decode(_ body: [UInt8]) -> Result<IncomingMessage, MessageDecodingFailure> {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body, loneSurrogates: .replace)
        } catch {
            return .failure(MessageDecodingFailure(id: nil, error: .parseError("\(error)"), answer: true))
        }
        return decode(json)
    }

    static func decode(_ json: JSONValue) -> Result<IncomingMessage, MessageDecodingFailure> {
        func invalid(_ id: RequestID?, _ message: String) -> Result<IncomingMessage, MessageDecodingFailure> {
            .failure(MessageDecodingFailure(id: id, error: .invalidRequest(message), answer: true))
        }
        guard let object = json.objectValue else {
            if json.arrayValue != nil { return invalid(nil, "batch messages are not supported by LSP") }
            return invalid(nil, "a JSON-RPC message must be an object, not a \(json.kindName)")
        }
        let rawID = object["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        guard object["jsonrpc"]?.stringValue == "2.0" else {
            return invalid(id, "\"jsonrpc\" must be \"2.0\"")
        }
        if let rawMethod = object["method"] {
            guard let method = rawMethod.stringValue else { return invalid(id, "\"method\" must be a string") }
            let params = object["params"] ?? .null
            switch params {
            case .object, .array, .null: break
            default: return invalid(id, "\"params\" must be an object or an array")
            }
            guard rawID != nil else { return .success(.notification(method: method, params: params)) }
            guard let id else { return invalid(nil, "\"id\" must be an integer or a string") }
            return .success(.request(id, method: method, params: params))
        }
        if rawID != nil, object["result"] != nil || object["error"] != nil {
            guard let id else {
                return .failure(MessageDecodingFailure(id: nil, error: .invalidRequest("a response with id \(rawID?.serialized() ?? "null")"), answer: false))
            }
            if let error = object["error"], !error.isNull {
                let decoded = ResponseError(json: error) ?? ResponseError(code: ErrorCode.internalError, message: error.serialized())
                return .success(.response(id, .failure(decoded)))
            }
            return .success(.response(id, .success(object["result"] ?? .null)))
        }
        return invalid(id, "a message needs a \"method\" (request or notification) or a \"result\" or \"error\" (response)")
    }
}

/// Builds the messages the server sends.
enum OutgoingMessage {
    static func response(id: RequestID, result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "result": result]
    }

    static func error(id: RequestID?, _ error: ResponseError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json]
    }

    static func request(id: RequestID, method: String, params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "method": .string(method), "params": params]
    }

    static func notification(method: String, params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }
}
