import XCTest

/// The same checks in a current Neovim (0.12, from editors/nvim/tests/install_current_nvim.sh),
/// which negotiates UTF-8 positions and calls client methods with `:`. Each test forwards to
/// NeovimChecks as NeovimPluginTests's do: test discovery on Linux skips inherited test methods,
/// so a subclass of NeovimPluginTests would run nothing.
final class CurrentNeovimPluginTests: XCTestCase {
    func checks() throws -> NeovimChecks {
        NeovimChecks(nvim: try Neovims.current(), test: self)
    }

    func testTheSessionRanEveryStep() throws { try checks().theSessionRanEveryStep() }
    func testThePluginCallsNoDeprecatedFunction() throws { try checks().thePluginCallsNoDeprecatedFunction() }
    func testSetupStartsTheServerForMarkdownWithTheSettings() throws { try checks().setupStartsTheServerForMarkdownWithTheSettings() }
    func testSetupDefinesTheCommandAndReportsAMissingExecutable() throws { try checks().setupDefinesTheCommandAndReportsAMissingExecutable() }
    func testOmnifuncRightAfterTheMaskShowsTheCandidates() throws { try checks().omnifuncRightAfterTheMaskShowsTheCandidates() }
    func testOmnifuncAsksAgainWhenItsReplyWasOvertaken() throws { try checks().omnifuncAsksAgainWhenItsReplyWasOvertaken() }
    func testAcceptingACandidateReplacesTheMask() throws { try checks().acceptingACandidateReplacesTheMask() }
    func testCompletionWithTheCursorInsideAMaskAfterNonASCIIText() throws { try checks().completionWithTheCursorInsideAMaskAfterNonASCIIText() }
    func testHoverShowsTheScoreTable() throws { try checks().hoverShowsTheScoreTable() }
    func testFillAllReplacesEveryMaskAndLeavesEverythingElseByteIdentical() throws { try checks().fillAllReplacesEveryMaskAndLeavesEverythingElseByteIdentical() }
    func testCheckhealthReportsTheExecutableItsVersionAndTheModel() throws { try checks().checkhealthReportsTheExecutableItsVersionAndTheModel() }
    func testAutotriggerOpensTheMenuAsTheMaskIsTyped() throws { try checks().autotriggerOpensTheMenuAsTheMaskIsTyped() }
    func testCodeActionReplacesTheMask() throws { try checks().codeActionReplacesTheMask() }
    func testInlayHintsShowTheBestWordAfterEachMask() throws { try checks().inlayHintsShowTheBestWordAfterEachMask() }
    func testThePluginsLuaUnitTestsPass() throws { try checks().thePluginsLuaUnitTestsPass() }
    func testThePluginFileDefinesTheCommandWithoutStartingAnything() throws { try checks().thePluginFileDefinesTheCommandWithoutStartingAnything() }

    /// A current Neovim, and one that exercises what 0.7 cannot: UTF-8 positions.
    func testItIsACurrentNeovimThatAgreedOnUTF8() throws {
        let session = try checks().session()
        let version = try session.record("nvim_version").stringValue ?? ""
        let parts = version.split(separator: ".").compactMap { Int($0) }
        XCTAssertTrue(parts.count == 3 && (parts[0], parts[1]) >= (0, 11), "Neovim \(version)")
        XCTAssertEqual(session.encoding, .utf8)
        XCTAssertEqual(try session.record("autotrigger")["available"], true, "vim.lsp.completion")
        XCTAssertEqual(try session.record("inlay_hints")["available"], true, "vim.lsp.inlay_hint")
    }

    /// The README's set-up without setup(): vim.lsp.config + vim.lsp.enable start the server and
    /// on_attach calls require("maskfill").use_omnifunc(bufnr) (editors/nvim/tests/lsp_enable.lua).
    func testTheReadmesVimLspEnableSetUpCompletesAndFills() throws {
        let session = try NeovimSession.of(try Neovims.current(), script: "lsp_enable.lua", start: .withPlugin)
        XCTAssertNil(session.problem, session.problem ?? "")
        XCTAssertEqual(session.results["plugin_sourced"], true, "plugin/maskfill.lua was sourced, as in a user's Neovim")
        XCTAssertEqual(try session.record("client")["omnifunc"], "v:lua.require'maskfill'.omnifunc")
        for (key, typed) in [("after", "I have watched this <mask>"), ("inside", "The acting was <mask>")] {
            let record = try session.record(key)
            XCTAssertEqual(record["line"]?.stringValue, typed)
            let words = record["menu"]?["items"]?.arrayValue?.compactMap { $0["word"]?.stringValue } ?? []
            XCTAssertEqual(words.count, 5, "\(key): the menu shows the server's candidates")
            // The first word replaces the whole mask, also with the cursor between "<ma" and
            // "sk>"; the menu starts at the space before the mask when a candidate joins the
            // previous word.
            let accepted = record["line_after_accept"]?.stringValue ?? ""
            let stem = String(typed.dropLast("<mask>".count))
            let first = words.first ?? "?"
            XCTAssertTrue([stem + first, String(stem.dropLast()) + first].contains(accepted), "\(key): \"\(accepted)\"")
        }
        let fill = try session.record("fill")
        let before = try XCTUnwrap(fill["before"]?.stringValue)
        let after = try XCTUnwrap(fill["after"]?.stringValue)
        let masks = NeovimChecks.fillableMasks(in: before)
        XCTAssertEqual(masks.count, 1, before)
        XCTAssertNotNil(NeovimChecks.match(after, against: before, masks: masks), "after :MaskFillAll:\n\(after)")
        let notes = session.results["notifications"]?.arrayValue?.compactMap { $0["message"]?.stringValue } ?? []
        XCTAssertTrue(notes.contains("maskfill: filled 1 of 1 masks"), "\(notes)")
        let deprecations = session.results["deprecations"]?.arrayValue ?? []
        let deprecated = deprecations.filter { $0["by_plugin"] == true }.compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(deprecated, [], "deprecated functions the plugin calls")
    }
}
