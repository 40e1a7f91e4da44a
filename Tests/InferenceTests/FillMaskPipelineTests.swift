import FillMask
import Foundation
import Inference
import XCTest

/// The pipeline's behaviour around the model: mask spellings, several masks, targets, errors.
final class FillMaskPipelineTests: XCTestCase {
    func bert() throws -> FillMaskPipeline {
        try FillMaskPipeline(folder: try ModelFixtures.folder("tiny-bert"), precision: .fp32)
    }

    func testGenericMaskWorksForBert() throws {
        let pipeline = try bert()
        XCTAssertEqual(pipeline.maskToken, "[MASK]")
        let generic = try pipeline.fill("He is not feeling <mask>")
        let native = try pipeline.fill("He is not feeling [MASK]")
        XCTAssertEqual(generic, native)
    }

    func testSeveralMasksKeepTheOthersAsWritten() throws {
        let pipeline = try bert()
        let results = try pipeline.fill("The <mask> sat on the [MASK].")
        XCTAssertEqual(results.count, 2)
        for candidate in results[0] {
            let piece = pipeline.wordPiece(candidate.tokenString)
            XCTAssertTrue(candidate.sequence.hasSuffix(" sat on the [MASK]."), candidate.sequence)
            XCTAssertTrue(candidate.sequence.contains(piece.text), candidate.sequence)
            XCTAssertFalse(candidate.sequence.contains("[CLS]"), candidate.sequence)
        }
        for candidate in results[1] {
            XCTAssertTrue(candidate.sequence.hasPrefix("The <mask> sat on the"), candidate.sequence)
        }
    }

    func testTargetsRestrictCandidatesButKeepProbabilities() throws {
        let pipeline = try bert()
        let all = try pipeline.fill("He is not feeling <mask>", topK: 30_522)[0]
        let targeted = try pipeline.fill("He is not feeling <mask>", topK: 5, targets: ["happy", "well", "sad"])[0]
        XCTAssertEqual(targeted.count, 3)
        XCTAssertEqual(Set(targeted.map(\.tokenString)), ["happy", "well", "sad"])
        for candidate in targeted {
            XCTAssertEqual(candidate.score, all.first { $0.token == candidate.token }?.score)
        }
        XCTAssertEqual(targeted.map(\.score), targeted.map(\.score).sorted(by: >))
    }

    func testErrors() throws {
        let pipeline = try bert()
        XCTAssertThrowsError(try pipeline.fill("no mask here")) { error in
            XCTAssertTrue("\(error)".contains("no mask"), "\(error)")
        }
        XCTAssertThrowsError(try pipeline.fill(String(repeating: "word ", count: 600) + "<mask>")) { error in
            XCTAssertTrue("\(error)".contains("at most 512"), "\(error)")
        }
        XCTAssertThrowsError(try pipeline.fill("<mask>", topK: 0))
        XCTAssertThrowsError(try FillMaskPipeline(folder: "/nonexistent", precision: .int8)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }

    func testWordPiecesJoinOrStartWords() throws {
        let pipeline = try bert()
        XCTAssertEqual(pipeline.wordPiece("##ing"), WordPiece(text: "ing", joinsPrevious: true))
        XCTAssertEqual(pipeline.wordPiece("movie"), WordPiece(text: "movie", joinsPrevious: false))
        let roberta = try FillMaskPipeline(folder: try ModelFixtures.folder("tiny-roberta"), precision: .int8)
        XCTAssertEqual(roberta.wordPiece(" movie"), WordPiece(text: "movie", joinsPrevious: false))
        XCTAssertEqual(roberta.wordPiece("ing"), WordPiece(text: "ing", joinsPrevious: true))
    }
}
