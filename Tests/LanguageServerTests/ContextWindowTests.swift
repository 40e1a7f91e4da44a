import FillMask
@testable import LanguageServer
import XCTest

/// Context windows: the sentence or paragraph around a mask, other masks kept as masks, within
/// the token budget, bounded work whatever the document.
final class ContextWindowTests: XCTestCase {
    func builder(budget: Int = 128, maxMasks: Int = ContextWindowBuilder.defaultMaxMasks) throws -> ContextWindowBuilder {
        ContextWindowBuilder(pipeline: try LSPFixtures.pipeline(), tokenBudget: budget, maxMasks: maxMasks)
    }

    /// The window for the `target`th mask of `text` (plain text, one paragraph or several).
    func window(_ text: String, target: Int, _ builder: ContextWindowBuilder, language: DocumentLanguage = .plainText) -> ContextWindow? {
        let bytes = Array(text.utf8)
        let layout = MaskLayout(bytes: bytes, language: language, spellings: MaskSpellings(MaskSpellings.builtIn))
        let snapshot = DocumentSnapshot(document: TextDocument(uri: "u", languageID: "plaintext", version: 0, text: text), revision: 0, layout: layout)
        let query = MaskQuery(snapshot: snapshot, mask: target)
        return builder.window(in: bytes[query.paragraph], masks: layout.masks[query.paragraphMasks], target: target)
    }

    func testSentenceWithTheModelsMaskToken() throws {
        let built = try XCTUnwrap(window("I have watched this <mask> and it was awesome.", target: 0, try builder()))
        XCTAssertEqual(built.text, "I have watched this [MASK] and it was awesome.")
        XCTAssertEqual(built.targetIndex, 0)
        XCTAssertEqual(built.maskPositions.count, 1)
        XCTAssertEqual(built.tokenIDs, try LSPFixtures.pipeline().tokenizer.encode(built.text).ids)
    }

    func testOtherMasksStayMasks() throws {
        let built = try XCTUnwrap(window("The <mask> sat on the [MASK].", target: 1, try builder()))
        XCTAssertEqual(built.text, "The [MASK] sat on the [MASK].")
        XCTAssertEqual(built.targetIndex, 1)
        XCTAssertEqual(built.maskRanges, [4..<10, 22..<28])
    }

    func testWindowIsTheParagraphNotTheDocument() throws {
        let text = "First paragraph about cats.\n\nThe dog ate the <mask>. It was hungry.\nIt slept after.\n\nLast paragraph."
        let built = try XCTUnwrap(window(text, target: 0, try builder()))
        XCTAssertEqual(built.text, "The dog ate the [MASK]. It was hungry.\nIt slept after.")
    }

    func testSmallBudgetKeepsTheMasksSentenceAndCountsTokens() throws {
        let sentences = (1...20).map { "Sentence number \($0) is here." }
        let text = sentences[0..<10].joined(separator: " ") + " The cat sat on the <mask> today. " + sentences[10...].joined(separator: " ")
        let small = try builder(budget: 24)
        let built = try XCTUnwrap(window(text, target: 0, small))
        XCTAssertTrue(built.text.contains("The cat sat on the [MASK] today."), built.text)
        XCTAssertLessThanOrEqual(built.tokenIDs.count, 24)
        XCTAssertEqual(built.tokenIDs.count, try LSPFixtures.pipeline().tokenizer.encode(built.text).count)
        let large = try XCTUnwrap(window(text, target: 0, try builder(budget: 512)))
        XCTAssertEqual(large.text, text.replacingOccurrences(of: "<mask>", with: "[MASK]"))
    }

    func testLongSentenceIsCutToWordsAroundTheMask() throws {
        let words = (0..<400).map { "w\($0)" }
        let text = words[0..<200].joined(separator: " ") + " <mask> " + words[200...].joined(separator: " ")
        let built = try XCTUnwrap(window(text, target: 0, try builder(budget: 64)))
        XCTAssertLessThanOrEqual(built.tokenIDs.count, 64)
        XCTAssertTrue(built.text.contains("w199 [MASK] w200"), built.text)
        XCTAssertGreaterThan(built.tokenIDs.count, 40, "fills most of the budget")
    }

    func testCJKWithoutSpacesFits() throws {
        let text = String(repeating: "我们今天去公园散步", count: 100) + "<mask>" + String(repeating: "天气很好阳光明媚", count: 100)
        let built = try XCTUnwrap(window(text, target: 0, try builder(budget: 48)))
        XCTAssertLessThanOrEqual(built.tokenIDs.count, 48)
        XCTAssertTrue(built.text.contains("[MASK]"))
    }

    func testMaskLimit() throws {
        let text = String(repeating: "word <mask> ", count: 100)
        let built = try XCTUnwrap(window(text, target: 50, try builder(budget: 512, maxMasks: 8)))
        XCTAssertLessThanOrEqual(built.maskRanges.count, 8)
        XCTAssertEqual(built.maskPositions.count, built.maskRanges.count)
        let layoutMasks = MaskLayout(bytes: Array(text.utf8), language: .plainText, spellings: MaskSpellings(MaskSpellings.builtIn)).masks
        XCTAssertEqual(built.maskRanges[built.targetIndex], layoutMasks[50])
    }

    func testTenThousandMasksCostWhatAFewDo() throws {
        let text = String(repeating: "the <mask> ", count: 10_000)
        let shared = try builder()
        let start = ContinuousClock.now
        for target in [0, 5_000, 9_999] {
            let built = try XCTUnwrap(window(text, target: target, shared))
            XCTAssertLessThanOrEqual(built.maskRanges.count, ContextWindowBuilder.defaultMaxMasks)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }

    func testMaskSpellingsInInlineCodeAreNotMasksToTheModel() throws {
        let built = try XCTUnwrap(window("Write `[MASK]` or `<mask>` where the <mask> goes.", target: 0, try builder(), language: .markdown))
        XCTAssertEqual(built.text, "Write `mask` or `mask` where the [MASK] goes.")
        XCTAssertEqual(built.maskPositions.count, 1)
    }

    func testSentenceSegmentation() {
        let text = Array("He left. She stayed! Why? \"Fine.\" Then e.g. this 3.5 thing… 終わり。次".utf8)
        let units = TextSegmentation.sentences(in: text[...], range: 0..<text.count, masks: [])
        let pieces = units.map { String(decoding: text[$0], as: UTF8.self) }
        XCTAssertEqual(pieces.joined(), String(decoding: text, as: UTF8.self), "units cover the text")
        XCTAssertEqual(pieces, ["He left.", " She stayed!", " Why?", " \"Fine.\"", " Then e.g.", " this 3.5 thing… 終わり。", "次"])
    }
}
