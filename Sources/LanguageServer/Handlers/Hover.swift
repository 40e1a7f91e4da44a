import JSON

extension LanguageServer {
    /// `textDocument/hover` on a mask: a table of its top candidates and their probabilities.
    /// Null elsewhere, without a model, and when the document changed before the answer.
    func hover(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        let uri = try Params.uri(params)
        let position = try Params.position(params)
        guard let snapshot = snapshot(of: uri),
            let mask = snapshot.layout.maskIndex(at: snapshot.document.offset(of: position, encoding: encoding))
        else {
            reply.succeed(.null)
            return
        }
        let query = MaskQuery(snapshot: snapshot, mask: mask)
        let (encoding, topK, markdown) = (encoding, configuration.topK, client.hoverMarkdown)
        withSuggestions(
            for: query, reply: reply, isWanted: isCurrent(snapshot),
            stale: { reply.succeed(.null) },
            answer: { suggestions in
                guard !suggestions.isEmpty else {
                    reply.succeed(.null)
                    return
                }
                let shown = Array(suggestions.prefix(topK))
                let mask = String(decoding: snapshot.document.bytes[query.maskRange], as: UTF8.self)
                reply.succeed([
                    "contents": markdown ? HoverText.markdown(shown, mask: mask) : HoverText.plain(shown, mask: mask),
                    "range": snapshot.document.range(of: query.maskRange, encoding: encoding).json,
                ])
            })
    }
}

/// What a hover on a mask says.
enum HoverText {
    static func markdown(_ suggestions: [Suggestion], mask: String) -> JSONValue {
        var lines = ["**maskfill**: candidates for `\(mask)`", "", "| # | word | probability |", "|---:|:---|---:|"]
        for (rank, suggestion) in suggestions.enumerated() {
            let word = escaped(suggestion.text)
            lines.append("| \(rank + 1) | \(suggestion.joinsPrevious ? "…" + word : word) | \(Percent.detailed(suggestion.score)) |")
        }
        return ["kind": "markdown", "value": .string(lines.joined(separator: "\n"))]
    }

    static func plain(_ suggestions: [Suggestion], mask: String) -> JSONValue {
        var lines = ["maskfill: candidates for \(mask)"]
        for (rank, suggestion) in suggestions.enumerated() {
            lines.append("\(rank + 1). \(suggestion.joinsPrevious ? "…" : "")\(suggestion.text)  \(Percent.detailed(suggestion.score))")
        }
        return ["kind": "plaintext", "value": .string(lines.joined(separator: "\n"))]
    }

    /// Characters that would end a table cell or start inline markup, escaped so the cell shows
    /// the word as written.
    static func escaped(_ word: String) -> String {
        var result = ""
        for character in word {
            if "\\`*_[]<>|~".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
