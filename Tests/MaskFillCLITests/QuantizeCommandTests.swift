import Foundation
import JSON
import XCTest

/// `maskfill quantize --calibration` as a user runs it.
final class QuantizeCommandTests: XCTestCase {
    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-calibration-\(UUID()).txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func destination() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-cli-smoothed-\(UUID())").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testCalibratedQuantizeWritesASmoothedFolderThatFills() throws {
        // A line far longer than the model takes is cut to fit, not refused.
        let long = Array(repeating: "the cat sat on the mat", count: 400).joined(separator: " ")
        let text = "He is not feeling well today.\n\n  The capital of France is Paris.  \n\(long)\n"
        let calibration = try temporaryFile(Array(text.utf8))
        let folder = destination()
        let quantized = try MaskfillProcess.run(["quantize", "--calibration", calibration, "--alpha", "0.6", FillCommandTests.tinyBert, folder])
        XCTAssertEqual(quantized.status, 0, quantized.stderr)
        let config = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")))
        XCTAssertEqual(config["quantization_config"]?["format_version"]?.intValue, 2)
        let smoothing = config["quantization_config"]?["smoothing"]?.stringValue ?? ""
        XCTAssertTrue(smoothing.contains("alpha 0.6") && smoothing.contains("from 3 calibration sequences"), smoothing)

        let fill = try MaskfillProcess.run(["fill", "--model", folder, "He is not feeling <mask>."])
        XCTAssertEqual(fill.status, 0, fill.stderr)
        XCTAssertEqual(fill.stdout.split(separator: "\n").count, 5, fill.stdout)
    }

    func testCalibrationLinesLimitsTheText() throws {
        let calibration = try temporaryFile(Array("one line here.\ntwo lines here.\nthree lines here.\n".utf8))
        let folder = destination()
        let run = try MaskfillProcess.run(["quantize", "--calibration", calibration, "--calibration-lines", "2", FillCommandTests.tinyBert, folder])
        XCTAssertEqual(run.status, 0, run.stderr)
        let config = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")))
        XCTAssertTrue(config["quantization_config"]?["smoothing"]?.stringValue?.contains("from 2 calibration sequences") == true)
    }

    func testBadCalibrationArgumentsAreOneLineErrors() throws {
        let good = try temporaryFile(Array("Some text to calibrate on.\n".utf8))
        let blank = try temporaryFile(Array(" \n\n\t\n".utf8))
        let notUTF8 = try temporaryFile([0x66, 0xFF, 0xFE, 0x0A])
        let cases: [([String], String)] = [
            (["--calibration", good, "--alpha", "1.5"], "--alpha must be a number from 0 to 1"),
            (["--calibration", good, "--alpha", "half"], "--alpha must be a number from 0 to 1"),
            (["--calibration", good, "--calibration-lines", "0"], "--calibration-lines must be a positive whole number"),
            (["--alpha", "0.5"], "go with --calibration FILE"),
            (["--calibration", "/nonexistent/calibration.txt"], "cannot read the calibration file"),
            (["--calibration", blank], "has no text to calibrate on"),
            (["--calibration", notUTF8], "is not valid UTF-8"),
        ]
        for (options, message) in cases {
            let folder = destination()
            let run = try MaskfillProcess.run(["quantize"] + options + [FillCommandTests.tinyBert, folder])
            XCTAssertEqual(run.status, 2, "\(options): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "\(options): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(message), "\(options): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder), "\(options): nothing is written on an error")
        }
    }
}
