import FillMask
import XCTest

final class WrittenMasksTests: XCTestCase {
    func testFindsEachSpellingLeftToRight() {
        let masks = WrittenMasks(text: "<mask> is the capital. I love [MASK].", spellings: ["<mask>", "[MASK]"])
        XCTAssertEqual(masks.spans, [0..<6, 30..<36])
        XCTAssertTrue(masks.startsSentence(0))
        XCTAssertFalse(masks.startsSentence(1))
        XCTAssertFalse(masks.startsSentence(2), "no third mask")
    }

    func testReplacesOneMaskInTheTextAsWritten() {
        let masks = WrittenMasks(text: "The Capital of <mask> is <mask>.", spellings: ["<mask>"])
        XCTAssertEqual(masks.replacing(1, with: WordPiece(text: "Paris", joinsPrevious: false)), "The Capital of <mask> is Paris.")
        XCTAssertEqual(masks.replacing(0, with: WordPiece(text: "ing", joinsPrevious: true)), "The Capital ofing is <mask>.")
        XCTAssertEqual(masks.replacing(5, with: WordPiece(text: "x", joinsPrevious: false)), "The Capital of <mask> is <mask>.")
    }

    func testAWordTypedAgainstThePreviousOneGetsASpace() {
        let masks = WrittenMasks(text: "He is not feel<mask> well, (<mask>).", spellings: ["<mask>"])
        XCTAssertEqual(masks.replacing(0, with: WordPiece(text: "so", joinsPrevious: false)), "He is not feel so well, (<mask>).")
        XCTAssertEqual(masks.replacing(0, with: WordPiece(text: "ing", joinsPrevious: true)), "He is not feeling well, (<mask>).")
        XCTAssertEqual(masks.replacing(1, with: WordPiece(text: "yes", joinsPrevious: false)), "He is not feel<mask> well, (yes).")
    }

    func testClosingPunctuationJoinsThePreviousWord() {
        let masks = WrittenMasks(text: "I watched this <mask> and it was awesome", spellings: ["<mask>"])
        XCTAssertEqual(masks.replacing(0, with: WordPiece(text: ",", joinsPrevious: false)), "I watched this, and it was awesome")
        XCTAssertEqual(masks.replacing(0, with: WordPiece(text: "film", joinsPrevious: false)), "I watched this film and it was awesome")
    }
}
