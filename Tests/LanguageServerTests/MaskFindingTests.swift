@testable import LanguageServer
import XCTest

/// Which `<mask>`s count: in markdown, not inside fenced code, indented code or inline code.
final class MaskFindingTests: XCTestCase {
    let spellings = MaskSpellings(MaskSpellings.builtIn)

    func masks(_ text: String, _ language: DocumentLanguage = .markdown, spellings: MaskSpellings? = nil) -> [String] {
        let bytes = Array(text.utf8)
        let layout = MaskLayout(bytes: bytes, language: language, spellings: spellings ?? self.spellings)
        // Each mask with the word after it, so tests can say which one was found.
        return layout.masks.map { range in
            let after = bytes[range.upperBound...].prefix { $0 != UInt8(ascii: "\n") }
            return String(decoding: bytes[range], as: UTF8.self) + String(decoding: after.prefix(while: { $0 != UInt8(ascii: "`") }), as: UTF8.self)
        }
    }

    /// A spelling matches from its first byte: `[mask>` and `<MASK]` mix the two built-in ones.
    func testOnlyWholeSpellingsAreMasks() {
        XCTAssertEqual(masks("a [mask> b <MASK] c <mask d [MASK", .plainText), [])
        XCTAssertEqual(masks("a <mask> b [MASK] c", .plainText), ["<mask> b [MASK] c", "[MASK] c"])
        XCTAssertEqual(masks("x ___ y", .plainText, spellings: MaskSpellings(["___", "<mask>"])), ["___ y"])
    }

    func testFencedCodeBlocks() {
        let text = """
            Prose <mask> one.
            ```swift
            let x = "<mask> in code"
            ```
            Prose [MASK] two.
            ~~~
            [MASK] in tilde code
            ```
            still code <mask>
            ~~~
            ````
            ```
            <mask> inside a four-backtick fence
            ````
            Prose <mask> three.
            """
        XCTAssertEqual(masks(text), ["<mask> one.", "[MASK] two.", "<mask> three."])
    }

    func testUnclosedFenceRunsToTheEnd() {
        XCTAssertEqual(masks("Before <mask> it.\n\n```\ncode <mask>\n\nmore <mask>"), ["<mask> it."])
    }

    func testInlineTripleBackticksAreNotAFence() {
        XCTAssertEqual(masks("```code``` and <mask> here"), ["<mask> here"])
    }

    func testIndentedCode() {
        let text = """
            A paragraph with a <mask> in it.

                indented <mask> code

            A lazy paragraph
                continuation <mask> is not code.
            \tTab-indented after a paragraph line <mask> too.

            \tTab-indented <mask> code.
            """
        XCTAssertEqual(masks(text), ["<mask> in it.", "<mask> is not code.", "<mask> too."])
    }

    func testListItemsAndTheirIndentedContent() {
        let text = """
            - first <mask> item
            - second item

                continuation <mask> of the second item

                    code <mask> inside the item
            1. ordered <mask>
            """
        XCTAssertEqual(masks(text), ["<mask> item", "<mask> of the second item", "<mask>"])
    }

    func testInlineCodeSpans() {
        let text = "Use `<mask>` or ``a ` <mask>`` but <mask> counts, \\`not <mask> code` and <mask> too."
        XCTAssertEqual(masks(text), ["<mask> counts, \\", "<mask> code", "<mask> too."])
    }

    func testUnmatchedBackticksAreLiteral() {
        XCTAssertEqual(masks("A `tick and <mask> here"), ["<mask> here"])
        XCTAssertEqual(masks("Mismatched ``run` <mask> here"), ["<mask> here"])
    }

    func testCodeSpansDoNotCrossParagraphs() {
        XCTAssertEqual(masks("An `open span\n\nthen <mask> here`"), ["<mask> here"])
    }

    func testHeadingsAndBlockquotes() {
        XCTAssertEqual(masks("# Title <mask>\n> quoted <mask>\n***\nend <mask>"), ["<mask>", "<mask>", "<mask>"])
    }

    func testPlainTextHasNoCode() {
        XCTAssertEqual(masks("```\n<mask>\n```\n    <mask> `<mask>`", .plainText).count, 3)
    }

    func testOtherLanguagesHaveNoMasks() {
        XCTAssertEqual(masks("let x = \"<mask>\"", .other), [])
    }

    func testConfiguredSpellingsLongestFirst() {
        let custom = MaskSpellings(["__", "___", "<mask>"])
        XCTAssertEqual(masks("a ___ b __ c <mask>", .plainText, spellings: custom), ["___ b __ c <mask>", "__ c <mask>", "<mask>"])
        XCTAssertEqual(masks("no [MASK] here", .plainText, spellings: custom), [])
    }

    func testMaskAtCursor() {
        let layout = MaskLayout(bytes: Array("ab <mask><mask> cd".utf8), language: .plainText, spellings: spellings)
        XCTAssertEqual(layout.masks, [3..<9, 9..<15])
        XCTAssertNil(layout.maskIndex(at: 2))
        XCTAssertEqual(layout.maskIndex(at: 3), 0, "at its first character")
        XCTAssertEqual(layout.maskIndex(at: 6), 0, "inside")
        XCTAssertEqual(layout.maskIndex(at: 9), 0, "right after it, though the next one starts there")
        XCTAssertEqual(layout.maskIndex(at: 12), 1)
        XCTAssertEqual(layout.maskIndex(at: 15), 1, "right after the last")
        XCTAssertNil(layout.maskIndex(at: 16))
        XCTAssertEqual(layout.maskIndices(touching: 0..<4), 0..<1)
        XCTAssertEqual(layout.maskIndices(touching: 0..<18), 0..<2)
    }

    func testParagraphs() {
        let text = "One <mask>.\nStill one.\n\n# Head <mask>\nTwo <mask>.\n- Three <mask>\n"
        let layout = MaskLayout(bytes: Array(text.utf8), language: .markdown, spellings: spellings)
        XCTAssertEqual(layout.paragraphs.count, 4)
        XCTAssertEqual(layout.paragraphOfMask, [0, 1, 2, 3])
        let bytes = Array(text.utf8)
        XCTAssertEqual(String(decoding: bytes[layout.paragraphs[0]], as: UTF8.self), "One <mask>.\nStill one.")
        XCTAssertEqual(String(decoding: bytes[layout.paragraphs[3]], as: UTF8.self), "Three <mask>")
        XCTAssertEqual(layout.maskIndices(inParagraph: 2), 2..<3)
    }
}
