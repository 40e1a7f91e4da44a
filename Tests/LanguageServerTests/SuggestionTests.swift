import XCTest
@testable import LanguageServer

/// Which of a mask's candidates an editor is offered.
final class SuggestionTests: XCTestCase {
    /// When punctuation fills the model's first guesses (as after "He said: "), the ranking goes
    /// deeper so that the editor still gets the configured number of words.
    func testPunctuationOnTopStillGivesEnoughWords() throws {
        let pipeline = try LSPFixtures.pipeline()
        let vocabularySize = pipeline.model.config.vocabularySize
        var probabilities = [Float](repeating: 0, count: vocabularySize)
        let punctuation = try [",", ".", "\"", "-", ":", ";", "!", "?", "(", ")", "'"].map { mark in
            try XCTUnwrap(pipeline.tokenizer.id(forToken: mark), mark)
        }
        let words = try ["movie", "film", "show", "game", "book"].map { word in
            try XCTUnwrap(pipeline.tokenizer.id(forToken: word), word)
        }
        for (rank, id) in (punctuation + words).enumerated() {
            probabilities[id] = 1 / Float(rank + 2)
        }
        let offered = Suggestion.best(5, of: probabilities, pipeline: pipeline)
        XCTAssertEqual(offered.map(\.text), ["movie", "film", "show", "game", "book"])
        XCTAssertEqual(offered.map(\.score), (punctuation.count..<punctuation.count + 5).map { 1 / Float($0 + 2) })
    }
}
