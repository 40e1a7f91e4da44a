import Foundation
import JSON
import XCTest

/// editors/emacs/maskfill.el in a batch Emacs with eglot, set up as the README says (no model
/// path: the default model), talking to the built `maskfill lsp`: Debian 12's Emacs 28 with
/// elpa-eglot 1.9, and a current Emacs (30, eglot built in) from
/// editors/emacs/tests/install_current_emacs.sh. editors/emacs/tests/e2e.el asks for a hover
/// (eglot's eldoc source), completes at two masks through the *Completions* list, fills every
/// mask, takes a code action, uses company-mode (28) and reads the inlay hints (30), and
/// records what the buffer holds after each step.
final class EmacsEglotTests: XCTestCase {
    func testCompletionAndFillAllWorkInDebiansEmacs28() throws {
        let record = try session(try EditorTestSupport.tool("emacs", install: "apt-get install -y emacs-nox elpa-eglot elpa-company"))
        XCTAssertEqual(record["emacs_version"]?.stringValue?.hasPrefix("28."), true, "\(record["emacs_version"] ?? .null)")
        // company-mode (Debian's elpa-company): the server's words in order, with their
        // percentages, and the chosen one replaces the mask.
        let candidates = try XCTUnwrap(record["company_candidates"]?.arrayValue?.compactMap(\.stringValue),
                                       "no company session (elpa-company is not installed?)")
        XCTAssertEqual(candidates.count, 5, "\(candidates)")
        XCTAssertTrue(record["company_annotation"]?.stringValue?.hasSuffix("%") ?? false, "\(record["company_annotation"] ?? .null)")
        XCTAssertEqual(record["after_company"]?.stringValue, "She drank a cup of \(candidates.first ?? "?") with her breakfast.")
    }

    func testCompletionAndFillAllWorkInACurrentEmacs() throws {
        let installed = EditorTestSupport.repositoryRoot.appendingPathComponent(".build/test-tools/emacs-current/emacs")
        guard FileManager.default.isExecutableFile(atPath: installed.path) else {
            throw EditorTestSupport.ToolMissing(
                description: "no current Emacs at \(installed.path), and the editor tests need one: bash editors/emacs/tests/install_current_emacs.sh (.ci/run does this in CI)")
        }
        let record = try session(installed)
        let version = record["emacs_version"]?.stringValue ?? ""
        XCTAssertGreaterThanOrEqual(Int(version.split(separator: ".").first ?? "") ?? 0, 29, version)
        // Its own eglot, not Debian's elpa-eglot for Emacs 28.
        XCTAssertEqual(record["eglot_library"]?.stringValue?.hasSuffix("/lisp/progmodes/eglot.elc"), true,
                       "\(record["eglot_library"] ?? .null)")
        // Its eglot turns inlay hints on by itself: the best word and probability after each
        // mask (positions are 1-based, at the mask's ">").
        XCTAssertEqual(record["inlay_hints_mode"], true)
        let hints = record["inlay_hints"]?.arrayValue ?? []
        let opened = "I have watched this <mask> and it was awesome. Then <mask> ate bread.\n"
        var maskEnds: [Int] = []
        var searchFrom = opened.startIndex
        while let found = opened.range(of: "<mask>", range: searchFrom..<opened.endIndex) {
            maskEnds.append(opened.distance(from: opened.startIndex, to: found.upperBound))
            searchFrom = found.upperBound
        }
        XCTAssertEqual(hints.compactMap { $0.arrayValue?.first?.intValue }, maskEnds, "\(hints)")
        for hint in hints {
            let text = hint.arrayValue?.last?.stringValue ?? ""
            XCTAssertTrue(text.split(separator: " ").count == 2 && text.hasSuffix("%"), text)
        }
    }

    /// Runs e2e.el in `emacs` and checks what it recorded; returns the record.
    private func session(_ emacs: URL) throws -> JSONValue {
        let folder = try EditorTestSupport.temporaryFolder(self, "emacs")
        let results = folder.appendingPathComponent("results.json")
        let outcome = try EditorTestSupport.run(
            emacs, ["--batch", "-l", EditorTestSupport.editors.appendingPathComponent("emacs/tests/e2e.el").path],
            in: EditorTestSupport.repositoryRoot,
            environment: [
                "MASKFILL_BIN": EditorTestSupport.maskfill.path,
                "MASKFILL_TEST_DIR": folder.path,
                "MASKFILL_TEST_OUT": results.path,
                "HOME": folder.path,  // nothing of the user's Emacs set-up, nothing written there
            ],
            timeout: 120)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: results.path), "Emacs wrote no results (exit \(outcome.status))\n\(outcome.tail)")
        let record = try JSONValue.parse(data)
        XCTAssertNil(record["error"], "\(record["error"] ?? .null)\n\(outcome.tail)")
        XCTAssertEqual(outcome.status, 0, outcome.tail)

        // The server starts with the README's set-up: no modelPath unless one is set.
        XCTAssertEqual(record["connected"], true)
        XCTAssertEqual(record["server_name"], "maskfill")
        XCTAssertEqual(record["contact_default"]?.arrayValue?.last, ["maskfill": ["topK": 5]])
        let configured = record["contact_with_model"]?.arrayValue?.last?["maskfill"]
        XCTAssertEqual(configured?["modelPath"]?.stringValue, folder.appendingPathComponent("models/roberta-base").path)
        XCTAssertEqual(configured?["contextTokens"], 256)
        XCTAssertEqual(configured?["maskTokens"], ["___", "<mask>"])

        // Both lists are the server's words with their percentages, best first.
        for key in ["completions", "completions_after_change"] {
            let shown = try XCTUnwrap(record[key]?.arrayValue, key)
            XCTAssertGreaterThanOrEqual(shown.count, 3, "\(key): \(shown)")
            let percentages = try shown.map { item -> Double in
                let word = try XCTUnwrap(item.arrayValue?.first?.stringValue)
                XCTAssertTrue(word.allSatisfy(\.isLetter), "\(key): \(word)")
                let note = try XCTUnwrap(item.arrayValue?.last?.stringValue)
                XCTAssertTrue(note.hasSuffix("%"), "\(key): \(note)")
                return try XCTUnwrap(Double(note.dropLast()), note)
            }
            XCTAssertEqual(percentages, percentages.sorted(by: >), key)
        }

        // Hover inside the second mask (before anything changed) lists the words completion
        // offered there, each on a line with its percentage.
        let hover = try XCTUnwrap(record["hover"]?.stringValue, "no hover: \(record["hover"] ?? .null)")
        let hoverLines = hover.split(separator: "\n")
        let offered = record["completions"]?.arrayValue ?? []
        XCTAssertFalse(offered.isEmpty)
        for item in offered {
            let (word, percentage) = (item.arrayValue?.first?.stringValue ?? "?", item.arrayValue?.last?.stringValue ?? "?")
            XCTAssertTrue(hoverLines.contains { $0.contains(" \(word) ") && $0.hasSuffix(percentage) }, "\(word) \(percentage) is not in the hover:\n\(hover)")
        }

        // A chosen word replaces exactly its mask, also after the buffer changed.
        let text = "I have watched this <mask> and it was awesome. Then <mask> ate bread.\n"
        let second = try XCTUnwrap(record["second_choice"]?.stringValue)
        let afterChoice = "I have watched this <mask> and it was awesome. Then \(second) ate bread.\n"
        XCTAssertEqual(record["after_choice"]?.stringValue, afterChoice)
        XCTAssertNotEqual(afterChoice, text)
        // Typed before the first mask just before completing there (the request must see it).
        let first = try XCTUnwrap(record["first_choice"]?.stringValue)
        let afterBoth = afterChoice.replacingOccurrences(of: "have watched this <mask>", with: "have really watched this \(first)")
        XCTAssertEqual(record["after_second_choice"]?.stringValue, afterBoth)

        // Fill-all right after typing fills the masks just typed.
        let filled = try XCTUnwrap(record["after_fill_all"]?.stringValue)
        XCTAssertTrue(filled.hasPrefix(afterBoth + "We drank "), filled)
        XCTAssertFalse(filled.contains("<mask>"), filled)

        // eglot-code-actions on a mask offers the server's "Replace with «word» (NN%)" and
        // "Fill every mask"; the first replaces the mask.
        let actions = record["code_actions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(actions.last, "Fill every mask", "\(actions)")
        let replace = try XCTUnwrap(actions.first, "no code actions")
        XCTAssertTrue(replace.hasPrefix("Replace with «") && replace.hasSuffix("%)"), replace)
        let word = replace.dropFirst("Replace with «".count).prefix { $0 != "»" }
        XCTAssertEqual(record["after_code_action"]?.stringValue, "The acting was \(word).")
        return record
    }
}
