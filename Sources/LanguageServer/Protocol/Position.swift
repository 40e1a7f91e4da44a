import JSON

/// An LSP position: zero-based line and character, the character counted in the negotiated
/// position encoding.
struct Position: Hashable, Sendable, CustomStringConvertible {
    var line: Int
    var character: Int

    /// Negative numbers (invalid in LSP) are read as 0 rather than refused.
    init(line: Int, character: Int) {
        self.line = max(0, line)
        self.character = max(0, character)
    }

    init?(json: JSONValue?) {
        guard let line = json?["line"]?.intValue, let character = json?["character"]?.intValue else { return nil }
        self.init(line: line, character: character)
    }

    var json: JSONValue { ["line": .int(Int64(line)), "character": .int(Int64(character))] }

    var description: String { "\(line):\(character)" }
}

/// An LSP range: `start` inclusive, `end` exclusive.
struct TextRange: Hashable, Sendable {
    var start: Position
    var end: Position

    init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    init?(json: JSONValue?) {
        guard let start = Position(json: json?["start"]), let end = Position(json: json?["end"]) else { return nil }
        self.init(start: start, end: end)
    }

    var json: JSONValue { ["start": start.json, "end": end.json] }
}
