import Foundation
import JSON
import XCTest

/// The checks of the Neovim plugin (editors/nvim), run against each Neovim it is tested with
/// (NeovimPluginTests, CurrentNeovimPluginTests). Random weights make the words nonsense, so
/// they ask for real candidates (labels, percentages, edits that replace the mask), not for
/// good ones.
struct NeovimChecks {
    let nvim: URL
    /// The test that runs the checks (its temporary folders go when it ends).
    let test: XCTestCase

    func session() throws -> NeovimSession {
        try NeovimSession.of(nvim)
    }

    // MARK: Reading a record

    struct Item {
        var label: String
        var detail: String
        var sortText: String
        var newText: String
        var start: Int  // offsets on the line, in the session's position encoding
        var end: Int
        var line: Int
    }

    func items(_ answer: JSONValue?, file: StaticString = #filePath, line: UInt = #line) -> [Item] {
        let list = answer?["items"]?.arrayValue ?? answer?.arrayValue ?? []
        return list.compactMap { item -> Item? in
            guard let label = item["label"]?.stringValue, let edit = item["textEdit"],
                let range = edit["range"], let newText = edit["newText"]?.stringValue,
                let start = range["start"]?["character"]?.intValue, let end = range["end"]?["character"]?.intValue,
                let row = range["start"]?["line"]?.intValue
            else {
                XCTFail("a completion item without label or textEdit: \(item.serialized())", file: file, line: line)
                return nil
            }
            return Item(
                label: label, detail: item["detail"]?.stringValue ?? "", sortText: item["sortText"]?.stringValue ?? label,
                newText: newText, start: start, end: end, line: row)
        }.sorted { $0.sortText < $1.sortText }
    }

    /// `text` up to `offset` in the session's position encoding.
    func prefix(_ text: String, _ offset: Int) throws -> String {
        try session().encoding.prefix(text, offset)
    }

    static let percentage = try! NSRegularExpression(pattern: "^[0-9]+(\\.[0-9]+)?%")

    func isPercentage(_ text: String) -> Bool {
        Self.percentage.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Checks that the popup menu Neovim shows is the server's answer: the same candidates in
    /// the model's order, each with its score, and each word the text that replaces the mask
    /// from the menu's start column.
    func checkMenu(_ record: JSONValue?, menuKey: String = "menu", file: StaticString = #filePath, line: UInt = #line) throws {
        let record = try XCTUnwrap(record, "no record", file: file, line: line)
        let encoding = try session().encoding
        let typed = try XCTUnwrap(record["line"]?.stringValue, file: file, line: line)
        let raw = items(record["raw"], file: file, line: line)
        XCTAssertEqual(raw.count, 5, "top_k = 5 candidates from the server: \(record["raw"]?.serialized() ?? "")", file: file, line: line)
        for item in raw {
            XCTAssertFalse(item.label.trimmingCharacters(in: .whitespaces).isEmpty, "an empty label", file: file, line: line)
            XCTAssertTrue(isPercentage(item.detail), "detail \"\(item.detail)\" is not a probability", file: file, line: line)
            XCTAssertEqual(item.end, encoding.count(typed), "the edit ends at the end of the mask", file: file, line: line)
            let replaced = encoding.suffix(typed, from: item.start)
            XCTAssertTrue(replaced.hasSuffix("<mask>") && replaced.trimmingCharacters(in: .whitespaces).count == 6, "the edit replaces the mask, not \"\(replaced)\"", file: file, line: line)
        }
        let menu = try XCTUnwrap(record[menuKey], file: file, line: line)
        XCTAssertEqual(menu["pumvisible"]?.intValue, 1, "the popup menu is visible", file: file, line: line)
        let shown = menu["items"]?.arrayValue ?? []
        XCTAssertEqual(shown.compactMap { $0["abbr"]?.stringValue }, raw.map(\.label), "the menu lists the candidates in the model's order", file: file, line: line)
        XCTAssertEqual(shown.compactMap { $0["menu"]?.stringValue }, raw.map(\.detail), "each with its probability", file: file, line: line)
        // complete() starts at the earliest edit; each word carries the text between there and
        // its own edit, so choosing it gives exactly the server's edit.
        let start = raw.map(\.start).min() ?? 0
        for (item, entry) in zip(raw, shown) {
            let word = entry["word"]?.stringValue ?? ""
            XCTAssertEqual(encoding.prefix(typed, start) + word, encoding.prefix(typed, item.start) + item.newText, "choosing \(item.label)", file: file, line: line)
        }
    }

    // MARK: Tests

    func theSessionRanEveryStep() throws {
        let session = try session()
        XCTAssertNil(session.problem, session.problem ?? "")
        XCTAssertEqual(session.results["steps"]?.arrayValue?.count, 14, "\(session.results["steps"]?.serialized() ?? "no steps")")
    }

    /// Neovim reports a deprecated function through vim.deprecate (the harness records each
    /// call); none may come from the plugin's own code.
    func thePluginCallsNoDeprecatedFunction() throws {
        let deprecations = try session().record("deprecations").arrayValue ?? []
        let plugin = deprecations.filter { $0["by_plugin"] == true }.compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(plugin, [], "deprecated functions the plugin calls")
    }

    func setupStartsTheServerForMarkdownWithTheSettings() throws {
        let client = try session().record("client")
        XCTAssertEqual(client["name"], "maskfill")
        XCTAssertEqual(client["filetype"], "markdown")
        XCTAssertEqual(client["cmd"], .array([.string(EditorTestSupport.maskfill.path), "lsp"]))
        XCTAssertEqual(client["omnifunc"], "v:lua.require'maskfill'.omnifunc")
        XCTAssertEqual(client["init_options"]?["maskfill"]?["modelPath"]?.stringValue, EditorTestSupport.tinyBERT)
        XCTAssertEqual(client["init_options"]?["maskfill"]?["topK"], 5)
        XCTAssertEqual(client["trigger_characters"], [">", "]"])
        XCTAssertEqual(client["execute_commands"], ["maskfill.fillAll"])
    }

    func setupDefinesTheCommandAndReportsAMissingExecutable() throws {
        let session = try session()
        let results = session.results
        _ = try session.record("missing_binary_notifications")
        XCTAssertEqual(results["plugin_sourced"], false, "nvim -u NONE sources no plugin/ file")
        XCTAssertEqual(results["command_before_setup"], 0)
        XCTAssertEqual(results["command_after_setup"], 2, ":MaskFillAll exists after setup()")
        let notes = results["missing_binary_notifications"]?.arrayValue ?? []
        XCTAssertEqual(notes.count, 1, "one notification: \(notes)")
        let message = notes.first?["message"]?.stringValue ?? ""
        XCTAssertTrue(message.hasPrefix("maskfill: cannot run "), message)
        XCTAssertTrue(message.contains("no-such-dir/maskfill"), "names the path: \(message)")
        XCTAssertEqual(notes.first?["level"], 4, "an error (vim.log.levels.ERROR)")
        XCTAssertEqual(results["missing_binary_clients"], 0, "no client was started")
    }

    func omnifuncRightAfterTheMaskShowsTheCandidates() throws {
        let record = try session().record("completion")
        XCTAssertEqual(record["line"], "I have watched this <mask>")
        try checkMenu(record)
        XCTAssertEqual(record["line_after_dismiss"], "I have watched this <mask>", "<C-e> puts the mask back")
    }

    /// The test's client answers the omnifunc's first request as overtaken (an empty list marked
    /// incomplete); the omnifunc asks again and shows the server's candidates.
    func omnifuncAsksAgainWhenItsReplyWasOvertaken() throws {
        let record = try session().record("completion")
        XCTAssertEqual(record["omnifunc_requests"], 2, "one overtaken reply, then one answered")
        try checkMenu(record)
    }

    func acceptingACandidateReplacesTheMask() throws {
        let record = try session().record("accepted")
        XCTAssertEqual(record["line"], "The [MASK] was long, but the acting was <mask>")
        try checkMenu(record)
        let typed = record["line"]?.stringValue ?? ""
        let first = try XCTUnwrap(items(record["raw"]).first)
        XCTAssertEqual(record["line_after_accept"]?.stringValue, try prefix(typed, first.start) + first.newText)
    }

    func completionWithTheCursorInsideAMaskAfterNonASCIIText() throws {
        let record = try session().record("inside")
        let typed = try XCTUnwrap(record["line"]?.stringValue)
        XCTAssertEqual(typed, "Déjà vu 🎬: the cursor stands in this <mask>")
        try checkMenu(record)
        try checkMenu(record, menuKey: "menu_inside")
        // The word chosen with the cursor between "<ma" and "sk>" replaces the whole mask.
        let raw = items(record["raw"])
        let start = raw.map(\.start).min() ?? 0
        let first = try XCTUnwrap(record["menu_inside"]?["items"]?.arrayValue?.first?["word"]?.stringValue)
        XCTAssertEqual(record["line_after_accept"]?.stringValue, try prefix(typed, start) + first)
        XCTAssertFalse(record["line_after_accept"]?.stringValue?.contains("sk>") ?? true)
    }

    func hoverShowsTheScoreTable() throws {
        let hover = try session().record("hover")
        XCTAssertEqual(hover["raw"]?["contents"]?["kind"], "markdown")
        let value = try XCTUnwrap(hover["raw"]?["contents"]?["value"]?.stringValue)
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.contains("| # | word | probability |"), value)
        let rows = lines.filter { $0.hasPrefix("| ") && !$0.hasPrefix("| #") }
        XCTAssertEqual(rows.count, 5, value)
        for (rank, row) in rows.enumerated() {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells.count, 3, row)
            XCTAssertEqual(cells.first, String(rank + 1), row)
            XCTAssertFalse(cells.count < 2 || cells[1].isEmpty, row)
            XCTAssertTrue(cells.count == 3 && isPercentage(cells[2]), row)
        }
        let range = hover["raw"]?["range"]
        let corners = ["start", "end"].flatMap { [range?[$0]?["line"]?.intValue, range?[$0]?["character"]?.intValue] }
        XCTAssertEqual(corners, [2, 20, 2, 26], "the hover covers the mask")
        // vim.lsp.buf.hover() opened a floating window with the table.
        let shown = hover["window_lines"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertTrue(shown.contains { $0.contains("probability") }, "\(shown)")
        XCTAssertGreaterThanOrEqual(shown.filter { $0.contains("%") }.count, 5, "\(shown)")
    }

    func fillAllReplacesEveryMaskAndLeavesEverythingElseByteIdentical() throws {
        let session = try session()
        let results = session.results
        let fill = try session.record("fill")
        let before = try XCTUnwrap(fill["before"]?.stringValue)
        let after = try XCTUnwrap(fill["after"]?.stringValue)
        XCTAssertEqual(before, results["typed_text"]?.stringValue)
        XCTAssertTrue(before.hasPrefix("# Review\n\nI have watched this <mask> and it was awesome.\n\nThe [MASK] was long, but the acting was "), before)
        XCTAssertTrue(before.hasSuffix(".\nKeep `<mask>` in code, fill [MASK] here.\n```\n<mask> in a fence\n```\n\n"), before)

        let masks = Self.fillableMasks(in: before)
        XCTAssertEqual(masks.count, 3, "the masks outside code: \(masks)")
        let words = try XCTUnwrap(Self.match(after, against: before, masks: masks), "after :MaskFillAll the text differs from before outside the masks:\n\(after)")
        for word in words {
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            XCTAssertFalse(trimmed.isEmpty, "a mask became \"\(word)\"")
            XCTAssertFalse(trimmed.contains("<mask>") || trimmed.contains("[MASK]"), "a mask became \"\(word)\"")
        }
        XCTAssertTrue(after.contains("Keep `<mask>` in code") && after.contains("```\n<mask> in a fence\n```"), "masks in code stay")
        let notes = fill["notifications"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        XCTAssertTrue(notes.contains("maskfill: filled 3 of 3 masks"), "\(notes)")
        XCTAssertEqual(fill["modified"], true)
        XCTAssertEqual(fill["after_undo"]?.stringValue, before, "one undo takes the whole fill back")
        // Versioned, for the version Neovim last reported: Neovim skips such an edit once the
        // buffer has changed again, so a fill never lands on text the server did not read.
        let version = try XCTUnwrap(fill["edit_version"]?.intValue, "the edit has no version: \(fill)")
        XCTAssertEqual(version, fill["buffer_version"]?.intValue)
        XCTAssertGreaterThan(version, 0)
        let second = fill["second_notifications"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        XCTAssertEqual(second, ["maskfill: no masks in this buffer"])
    }

    func checkhealthReportsTheExecutableItsVersionAndTheModel() throws {
        let lines = try session().record("health").arrayValue?.compactMap(\.stringValue) ?? []
        let text = lines.joined(separator: "\n")
        let version = try EditorTestSupport.run(EditorTestSupport.maskfill, ["--version"], timeout: 10).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(version.hasPrefix("maskfill "), version)
        XCTAssertTrue(lines.contains { $0.contains("OK") && $0.contains("executable: \(EditorTestSupport.maskfill.path)") }, text)
        XCTAssertTrue(lines.contains { $0.contains("OK") && $0.contains("version: \(version)") }, text)
        XCTAssertTrue(lines.contains { $0.contains("OK") && $0.contains("model: \(EditorTestSupport.tinyBERT)") }, text)
        XCTAssertTrue(lines.contains { $0.contains("OK") && $0.contains("server running") }, text)
        XCTAssertFalse(text.contains("ERROR"), text)

        // Without model_path: the default model, found where the executable finds it (Models/
        // in this clone).
        let defaultLines = try session().record("health_default_model").arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertTrue(defaultLines.contains { $0.contains("OK") && $0.contains("model: ") && $0.contains("Models/maskfill-mini (the default model; loads in") },
                      defaultLines.joined(separator: "\n"))
    }

    /// setup({ autotrigger = true }): on 0.11 and later Neovim's own LSP completion opens the
    /// menu as the `>` of `<mask>` is typed, and taking the first word replaces the mask; older
    /// Neovims say that it needs 0.11.
    func autotriggerOpensTheMenuAsTheMaskIsTyped() throws {
        let record = try session().record("autotrigger")
        let notes = record["notifications"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        guard record["available"] == true else {
            XCTAssertEqual(notes, ["maskfill: autotrigger needs Neovim 0.11 or later; <C-x><C-o> still offers the candidates"])
            return
        }
        XCTAssertEqual(notes, [])
        let words = record["menu"]?["items"]?.arrayValue?.compactMap { $0["word"]?.stringValue } ?? []
        XCTAssertEqual(words.count, 5, "the server's candidates: \(record["menu"]?.serialized() ?? "")")
        let first = words.first ?? "?"
        let accepted = record["line_after_accept"]?.stringValue ?? ""
        XCTAssertTrue(["I have watched this " + first, "I have watched this" + first].contains(accepted), accepted)
    }

    /// vim.lsp.buf.code_action() on a mask offers the server's "Replace with «word» (NN%)"
    /// actions and "Fill every mask"; taking the first replaces the mask in the buffer.
    func codeActionReplacesTheMask() throws {
        let record = try session().record("code_action")
        let offered = record["offered"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(offered.last, "Fill every mask", "\(offered)")
        let first = try XCTUnwrap(offered.first { $0.hasPrefix("Replace with «") }, "\(offered)")
        let quoted = first.split(separator: "«", maxSplits: 1).last?.split(separator: "»").first.map(String.init) ?? ""
        XCTAssertTrue(first.hasSuffix("%)"), first)
        let expected = quoted.hasPrefix("…") ? "The acting was" + quoted.dropFirst() + "." : "The acting was " + quoted + "."
        XCTAssertEqual(record["line"], "The acting was <mask>.")
        XCTAssertEqual(record["line_after"]?.stringValue, expected, "taking \(first)")
    }

    /// setup({ inlay_hints = true }): on 0.10 and later each mask gets its best candidate and
    /// probability as virtual text right after it; older Neovims say that it needs 0.10.
    func inlayHintsShowTheBestWordAfterEachMask() throws {
        let record = try session().record("inlay_hints")
        let notes = record["notifications"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        guard record["available"] == true else {
            XCTAssertEqual(notes, ["maskfill: inlay_hints needs Neovim 0.10 or later"])
            return
        }
        XCTAssertEqual(notes, [])
        let shown = (record["shown"]?.arrayValue ?? []).sorted { ($0["col"]?.intValue ?? 0) < ($1["col"]?.intValue ?? 0) }
        // After "I have watched this <mask>" and "… and it was <mask>" (byte columns), nowhere else.
        XCTAssertEqual(shown.map { [$0["row"]?.intValue, $0["col"]?.intValue] }, [[0, 26], [0, 44]], "\(shown)")
        for hint in shown {
            let text = hint["text"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
            let parts = text.split(separator: " ")
            XCTAssertEqual(parts.count, 2, text)
            XCTAssertTrue(parts.last?.hasSuffix("%") ?? false, text)
        }
    }

    /// editors/nvim/tests/unit.lua: positions in every encoding, completion items (a menu that
    /// starts where the earliest edit starts, the rest of a mask after the cursor,
    /// additionalTextEdits), the server command, settings, and no server.
    func thePluginsLuaUnitTestsPass() throws {
                let folder = try EditorTestSupport.temporaryFolder(test, "nvim-unit")
        let environment = NeovimSession.isolatedHome(in: folder)
        let script = EditorTestSupport.editors.appendingPathComponent("nvim/tests/unit.lua").path
        let outcome = try EditorTestSupport.run(
            nvim, ["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile \(script)"],
            in: folder, environment: environment, timeout: 30)
        XCTAssertEqual(outcome.status, 0, outcome.tail)
        XCTAssertTrue(outcome.stdout.contains(" passed, 0 failed"), outcome.tail)
        XCTAssertFalse(outcome.stdout.hasPrefix("0 passed") || outcome.stdout.contains("\n0 passed"), "no check ran\n\(outcome.tail)")
    }

    /// With the plugin folder on 'runtimepath' at startup, plugin/maskfill.lua defines
    /// :MaskFillAll, and nothing starts before setup().
    func thePluginFileDefinesTheCommandWithoutStartingAnything() throws {
                let folder = try EditorTestSupport.temporaryFolder(test, "nvim-plugin")
        let out = folder.appendingPathComponent("out.txt")
        let plugin = EditorTestSupport.editors.appendingPathComponent("nvim").path
        let lua = """
            local f = io.open(\"\(out.path)\", "w")
            local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
            f:write(vim.fn.exists(":MaskFillAll"), " ", tostring(vim.g.loaded_maskfill), " ", #clients)
            f:close()
            """
        let script = folder.appendingPathComponent("check.lua")
        try lua.write(to: script, atomically: true, encoding: .utf8)
        let environment = NeovimSession.isolatedHome(in: folder)
        let outcome = try EditorTestSupport.run(
            nvim, ["--headless", "--clean", "-n", "--cmd", "set runtimepath^=\(plugin)", "-c", "luafile \(script.path)", "-c", "qall!", folder.appendingPathComponent("notes.md").path],
            environment: environment, timeout: 20)
        XCTAssertEqual(outcome.status, 0, outcome.tail)
        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "2 1 0", "command defined, plugin loaded once, no server")
    }

    // MARK: Checking a fill

    /// The masks that :MaskFillAll fills: `<mask>` and `[MASK]` outside fenced code blocks and
    /// inline code spans (the test document has no other markdown constructs).
    static func fillableMasks(in text: String) -> [Range<String.Index>] {
        var masks: [Range<String.Index>] = []
        var inFence = false
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            if line.hasPrefix("```") {
                inFence.toggle()
            } else if !inFence {
                var index = lineStart
                while index < lineEnd {
                    let rest = text[index..<lineEnd]
                    if rest.hasPrefix("<mask>") || rest.hasPrefix("[MASK]") {
                        let end = text.index(index, offsetBy: 6)
                        let ticks = text[lineStart..<index].filter { $0 == "`" }.count
                        if ticks % 2 == 0 { masks.append(index..<end) }
                        index = end
                    } else {
                        index = text.index(after: index)
                    }
                }
            }
            lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
        }
        return masks
    }

    /// Whether `after` is `before` with each mask replaced by some text on its line (which may
    /// also take the spaces before the mask, for a candidate that continues the previous word);
    /// the replacements, or nil.
    static func match(_ after: String, against before: String, masks: [Range<String.Index>]) -> [String]? {
        var pattern = "\\A"
        var previous = before.startIndex
        for mask in masks {
            let segment = String(before[previous..<mask.lowerBound])
            let kept = segment.replacingOccurrences(of: "[ \\t]+$", with: "", options: .regularExpression)
            pattern += NSRegularExpression.escapedPattern(for: kept) + "([ \\t]*[^\\n]+?)"
            previous = mask.upperBound
        }
        pattern += NSRegularExpression.escapedPattern(for: String(before[previous...])) + "\\z"
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let found = regex.firstMatch(in: after, range: NSRange(after.startIndex..., in: after))
        else { return nil }
        return (1..<found.numberOfRanges).compactMap { Range(found.range(at: $0), in: after).map { String(after[$0]) } }
    }
}
