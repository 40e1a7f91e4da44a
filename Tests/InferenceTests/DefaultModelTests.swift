import FillMask
import Foundation
import Inference
import JSON
import XCTest

/// The default model shipped in Models/: it loads as an int8 folder and answers like a model.
final class DefaultModelTests: XCTestCase {
    static let folder = ModelFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/maskfill-mini").path

    func pipeline() throws -> FillMaskPipeline {
        guard FileManager.default.fileExists(atPath: Self.folder + "/config.json") else {
            XCTFail("the default model is missing from \(Self.folder)")
            throw XCTSkip("no default model")
        }
        return try FillMaskPipeline(folder: Self.folder, precision: .int8)
    }

    func testLoadsAsAnInt8FolderWithCasedForms() throws {
        let config = try ModelConfig.load(contentsOf: Self.folder + "/config.json")
        XCTAssertNotNil(config.quantization, "the shipped model is stored in int8")
        let pipeline = try pipeline()
        XCTAssertNotNil(pipeline.casedForms, "an uncased model ships its cased-form table")
        let results = try pipeline.fill("I have watched this <mask> and it was awesome.")
        XCTAssertEqual(results.count, 1)
        let candidates = try XCTUnwrap(results.first)
        XCTAssertEqual(candidates.count, 5)
        XCTAssertEqual(candidates.map(\.score), candidates.map(\.score).sorted(by: >))
        XCTAssertGreaterThan(candidates[0].score, 0.01, "a trained model is not uniform over 30k words")
    }
}
