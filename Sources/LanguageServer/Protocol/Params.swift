import JSON

/// Reads request parameters; what is missing or mistyped is an invalid-params error that says
/// which member.
enum Params {
    static func uri(_ params: JSONValue) throws(ResponseError) -> String {
        guard let uri = params["textDocument"]?["uri"]?.stringValue else {
            throw .invalidParams("textDocument.uri must be a string")
        }
        return uri
    }

    static func position(_ params: JSONValue) throws(ResponseError) -> Position {
        guard let position = Position(json: params["position"]) else {
            throw .invalidParams("position must be {line, character} with integer members")
        }
        return position
    }

    static func range(_ params: JSONValue) throws(ResponseError) -> TextRange {
        guard let range = TextRange(json: params["range"]) else {
            throw .invalidParams("range must be {start, end} positions")
        }
        return range
    }
}
