import XCTest

/// The Neovim plugin in Debian's Neovim 0.7 (on PATH), the oldest it supports, with the real
/// `maskfill lsp`; the checks are in NeovimChecks.
final class NeovimPluginTests: XCTestCase {
    func checks() throws -> NeovimChecks {
        NeovimChecks(nvim: try Neovims.debian(), test: self)
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
}
