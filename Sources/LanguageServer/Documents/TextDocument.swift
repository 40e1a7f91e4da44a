/// An open document: its text as UTF-8 bytes with a line table, and the version the client
/// gave it. Always valid UTF-8: text comes from JSON strings and edits land on scalar
/// boundaries (positions inside a scalar are rounded down to its start).
struct TextDocument: Sendable {
    let uri: String
    let languageID: String
    var version: Int
    private(set) var bytes: [UInt8]
    private(set) var lines: LineTable

    init(uri: String, languageID: String, version: Int, text: String) {
        self.uri = uri
        self.languageID = languageID
        self.version = version
        bytes = Array(text.utf8)
        lines = LineTable(bytes)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var language: DocumentLanguage { DocumentLanguage(languageID: languageID) }

    /// Replaces `bytes[range]` with `text`, keeping the line table in step.
    mutating func replace(_ range: Range<Int>, with text: String) {
        let lower = min(max(0, range.lowerBound), bytes.count)
        let upper = min(max(lower, range.upperBound), bytes.count)
        let inserted = Array(text.utf8)
        bytes.replaceSubrange(lower..<upper, with: inserted)
        lines.update(replacing: lower..<upper, insertedCount: inserted.count, in: bytes)
    }

    /// Applies one `TextDocumentContentChangeEvent`: a range edit, or the whole text when
    /// `range` is nil. An end before the start is read as an empty range at the start.
    mutating func apply(range: TextRange?, text: String, encoding: PositionEncoding) {
        guard let range else {
            bytes = Array(text.utf8)
            lines = LineTable(bytes)
            return
        }
        let start = offset(of: range.start, encoding: encoding)
        let end = max(start, offset(of: range.end, encoding: encoding))
        replace(start..<end, with: text)
    }
}
