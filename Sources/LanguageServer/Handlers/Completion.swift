import JSON

extension LanguageServer {
    /// `textDocument/completion` at or right after a mask: the top-k words for that mask.
    /// Anywhere else, an empty list. A request overtaken by typing (or by a newer completion)
    /// answers an empty list marked incomplete, so the editor asks again.
    func completion(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        let uri = try Params.uri(params)
        let position = try Params.position(params)
        guard let snapshot = snapshot(of: uri),
            let mask = snapshot.layout.maskIndex(at: snapshot.document.offset(of: position, encoding: encoding))
        else {
            reply.succeed(CompletionItems.emptyList(incomplete: false))
            return
        }
        let query = MaskQuery(snapshot: snapshot, mask: mask)
        let ticket = engine.staleness.issueCompletionTicket(for: uri)
        let (staleness, current, encoding, topK) = (engine.staleness, isCurrent(snapshot), encoding, configuration.topK)
        withSuggestions(
            for: query, reply: reply,
            isWanted: { current() && staleness.isLatestCompletion(ticket, of: uri) },
            stale: { reply.succeed(CompletionItems.emptyList(incomplete: true)) },
            answer: { suggestions in
                reply.succeed(CompletionItems.list(Array(suggestions.prefix(topK)), for: query, encoding: encoding))
            })
    }
}

/// Completion items for a mask's suggestions.
enum CompletionItems {
    /// "0000", "0001" …: editors sort by this text, so the model's order survives.
    static func sortText(_ rank: Int) -> String {
        let digits = String(rank)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func emptyList(incomplete: Bool) -> JSONValue {
        ["isIncomplete": .bool(incomplete), "items": []]
    }

    /// Every item's edit replaces exactly the mask token, and `filterText` is the mask's text,
    /// which is what editors match against, so no item is filtered away and all items share one
    /// start column (clients that filter from a common start would otherwise drop a group). A
    /// piece that continues the previous word also deletes the spaces before the mask, through
    /// `additionalTextEdits`. `sortText` keeps the model's order.
    static func list(_ suggestions: [Suggestion], for query: MaskQuery, encoding: PositionEncoding) -> JSONValue {
        let document = query.snapshot.document
        let mask = query.maskRange
        let items = suggestions.enumerated().map { rank, suggestion -> JSONValue in
            let replaced = String(decoding: document.bytes[mask], as: UTF8.self)
            var item = JSONObject()
            item["label"] = .string(suggestion.text)
            item["kind"] = 1  // Text
            item["detail"] = .string(Percent.detailed(suggestion.score) + (suggestion.joinsPrevious ? " · joins the previous word" : ""))
            item["sortText"] = .string(sortText(rank))
            item["filterText"] = .string(replaced)
            item["preselect"] = .bool(rank == 0)
            item["insertTextFormat"] = 1  // PlainText
            item["textEdit"] = [
                "range": document.range(of: mask, encoding: encoding).json,
                "newText": .string(suggestion.text),
            ]
            let joinStart = suggestion.joinsPrevious ? WordJoin.replacementStart(in: document.bytes[...], before: mask.lowerBound) : mask.lowerBound
            if joinStart < mask.lowerBound {
                item["additionalTextEdits"] = [["range": document.range(of: joinStart..<mask.lowerBound, encoding: encoding).json, "newText": ""]]
            }
            return .object(item)
        }
        return ["isIncomplete": false, "items": .array(items)]
    }
}
