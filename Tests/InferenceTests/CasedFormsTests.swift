import FillMask
import XCTest

final class CasedFormsTests: XCTestCase {
    func testRestoresUsualSpellingAndSentenceCapitals() {
        let forms = CasedForms(forms: ["paris": "Paris", "nasa": "NASA"])
        XCTAssertEqual(forms.restore("paris", startsSentence: false), "Paris")
        XCTAssertEqual(forms.restore("nasa", startsSentence: true), "NASA")
        XCTAssertEqual(forms.restore("movie", startsSentence: false), "movie")
        XCTAssertEqual(forms.restore("movie", startsSentence: true), "Movie")
    }

    func testSentenceStarts() {
        func starts(_ text: String) -> Bool {
            let scalars = Array(text.unicodeScalars)
            let offset = text.unicodeScalars.count - "[MASK]".count
            return CasedForms.startsSentence(scalars, at: offset)
        }
        XCTAssertTrue(starts("[MASK]"))
        XCTAssertTrue(starts("It rained. [MASK]"))
        XCTAssertTrue(starts("Really? \"[MASK]"))
        XCTAssertTrue(starts("A title\n\n[MASK]"))
        XCTAssertFalse(starts("I have watched this [MASK]"))
        XCTAssertFalse(starts("one, [MASK]"))
    }
}
