import CKernels
import Foundation
import Inference
import XCTest

/// CPUs without AVX-512 VNNI keep int8 weights row-major and run the row-major kernels (VNNI
/// row-major, AVX2 or portable); those paths must give the packed path's logits.
final class Int8LayoutTests: XCTestCase {
    override func tearDown() {
        mf_set_cpu_feature_mask(-1)
    }

    /// `folder`: another int8 folder of the fixture's shape (default: the fixture itself).
    func checkRowMajorMatchesPacked(_ name: String, folder given: String? = nil) throws {
        let folder = try given ?? ModelFixtures.folder(name)
        let packed = try MaskedLanguageModel.load(folder: folder, precision: .int8)
        let rowMajor = try MaskedLanguageModel.load(folder: folder, precision: .int8, packWeights: false)
        for item in try ModelFixtures.cases(name).prefix(6) {
            let expected = try packed.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
            for (path, mask) in kernelPaths() {
                mf_set_cpu_feature_mask(mask)
                let logits = try rowMajor.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                for (row, reference) in zip(logits, expected) {
                    let worst = zip(row, reference).map { abs($0 - $1) }.max() ?? .infinity
                    XCTAssertLessThanOrEqual(worst / item.logitRange, 1e-5, "\(name) row-major on \(path): \(item.text)")
                }
            }
            mf_set_cpu_feature_mask(-1)
        }
    }

    func testRobertaRowMajorInt8MatchesPacked() throws {
        try checkRowMajorMatchesPacked("tiny-roberta")
    }

    func testBertRowMajorInt8MatchesPacked() throws {
        try checkRowMajorMatchesPacked("tiny-bert")
    }

    /// Smoothed layers (input scales) on every kernel path.
    func testSmoothedRowMajorInt8MatchesPacked() throws {
        for name in ["tiny-bert", "tiny-roberta"] {
            let smoothed = try temporaryFolder().appendingPathComponent("smoothed").path
            let calibration = try ModelFixtures.cases(name).map(\.inputIDs)
            try Int8Export.quantize(folder: try ModelFixtures.folder(name), to: smoothed, smoothing: ActivationSmoothing(calibration: calibration))
            try checkRowMajorMatchesPacked(name, folder: smoothed)
        }
    }
}
