import FillMask
import Foundation
import Inference
import JSON
import XCTest

/// `maskfill quantize --calibration` (activation smoothing): what it writes, that the smoothed
/// folder still computes the checkpoint's function in int8 and in fp32, and that damaged or
/// mismatched inputs are clear errors.
final class ActivationSmoothingTests: XCTestCase {
    /// The fixture sentences' token ids: real text for the tiny checkpoint to calibrate on.
    func calibration(_ name: String) throws -> [[Int]] {
        try ModelFixtures.cases(name).map(\.inputIDs)
    }

    func smoothedFolder(_ name: String, alpha: Float = 0.5) throws -> (source: String, smoothed: String) {
        let source = try ModelFixtures.folder(name)
        let destination = try temporaryFolder().appendingPathComponent("int8-smoothed").path
        try Int8Export.quantize(folder: source, to: destination, smoothing: ActivationSmoothing(calibration: try calibration(name), alpha: alpha))
        return (source, destination)
    }

    func testSmoothedFolderStoresInputScalesAndSaysSo() throws {
        let (_, folder) = try smoothedFolder("tiny-bert")
        let written = try SafeTensorsFile(path: folder + "/model.safetensors")
        let layer = "bert.encoder.layer.1."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "intermediate.dense"] {
            let info = try XCTUnwrap(written.info(layer + name + ".input_scale"), name)
            XCTAssertEqual(info.dtype, .f32)
            XCTAssertEqual(info.shape, [32])
            XCTAssertEqual(written.info(layer + name + ".weight")?.dtype, .i8)
        }
        XCTAssertNotNil(written.info("cls.predictions.transform.dense.input_scale"))
        // Their inputs are not LayerNorm outputs: left as they were.
        XCTAssertNil(written.info(layer + "attention.output.dense.input_scale"))
        XCTAssertNil(written.info(layer + "output.dense.input_scale"))

        let config = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")))
        XCTAssertEqual(config["quantization_config"]?["format_version"]?.intValue, 2)
        let description = try XCTUnwrap(config["quantization_config"]?["smoothing"]?.stringValue)
        XCTAssertTrue(description.contains("alpha 0.5"), description)
        XCTAssertTrue(description.contains("\(try calibration("tiny-bert").count) calibration sequences"), description)
        XCTAssertEqual(try ModelConfig.load(contentsOf: folder + "/config.json").quantization?.smoothing, description)
    }

    /// Without smoothing nothing changes: version 1, no input scales.
    func testPlainQuantizationStaysVersion1() throws {
        let destination = try temporaryFolder().appendingPathComponent("int8").path
        try Int8Export.quantize(folder: try ModelFixtures.folder("tiny-bert"), to: destination)
        let config = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: destination + "/config.json")))
        XCTAssertEqual(config["quantization_config"]?["format_version"]?.intValue, 1)
        XCTAssertNil(config["quantization_config"]?["smoothing"])
        let written = try SafeTensorsFile(path: destination + "/model.safetensors")
        XCTAssertFalse(written.names.contains { $0.hasSuffix(".input_scale") })
    }

    /// The smoothed int8 engine computes the checkpoint's function as closely as plain int8
    /// does (the fixtures' bar), and read in fp32 the folder folds the factors back into the
    /// weights, so only weight rounding is left.
    func testSmoothedFolderComputesTheCheckpointsFunction() throws {
        for name in ["tiny-bert", "tiny-roberta"] {
            let (source, folder) = try smoothedFolder(name)
            let reference = try MaskedLanguageModel.load(folder: source, precision: .fp32)
            let int8 = try MaskedLanguageModel.load(folder: folder, precision: .int8)
            let fp32 = try MaskedLanguageModel.load(folder: folder, precision: .fp32)
            var worstInt8: Float = 1
            var worstFP32: Float = 1
            for item in try ModelFixtures.cases(name) {
                let expected = try reference.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                let fromInt8 = try int8.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                let fromFP32 = try fp32.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                for (a, b) in zip(expected, fromInt8) { worstInt8 = min(worstInt8, cosine(a, b)) }
                for (a, b) in zip(expected, fromFP32) { worstFP32 = min(worstFP32, cosine(a, b)) }
            }
            XCTAssertGreaterThanOrEqual(worstInt8, 0.999, "\(name): smoothed int8 against the fp32 checkpoint")
            XCTAssertGreaterThanOrEqual(worstFP32, 0.9995, "\(name): the smoothed folder read in fp32")
        }
    }

    /// What smoothing is for: with a few LayerNorm channels far larger than the rest (as trained
    /// BERT and RoBERTa checkpoints have; here tiny-bert's LayerNorm weights at channels 3 and 17
    /// made 16 times larger), plain int8 drifts from fp32 and smoothing takes most of that back.
    func testSmoothingShrinksTheDriftFromOutlierChannels() throws {
        let source = try outlierCheckpoint()
        let plain = try temporaryFolder().appendingPathComponent("plain").path
        let smoothed = try temporaryFolder().appendingPathComponent("smoothed").path
        try Int8Export.quantize(folder: source, to: plain)
        try Int8Export.quantize(folder: source, to: smoothed, smoothing: ActivationSmoothing(calibration: try calibration("tiny-bert")))
        let reference = try MaskedLanguageModel.load(folder: source, precision: .fp32)
        func drift(_ folder: String) throws -> Float {
            let model = try MaskedLanguageModel.load(folder: folder, precision: .int8)
            var total: Float = 0
            var count = 0
            for item in try ModelFixtures.cases("tiny-bert") {
                let expected = try reference.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                let actual = try model.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions)
                for (a, b) in zip(expected, actual) {
                    total += 1 - cosine(a, b)
                    count += 1
                }
            }
            return total / Float(max(count, 1))
        }
        let plainDrift = try drift(plain)
        let smoothedDrift = try drift(smoothed)
        print("outlier checkpoint: mean 1 − cosine to fp32, plain int8 \(plainDrift), smoothed \(smoothedDrift)")
        XCTAssertLessThan(smoothedDrift, 0.5 * plainDrift)
    }

    /// tiny-bert with every LayerNorm weight at channels 3 and 17 multiplied by 16 (exact in
    /// bfloat16: the exponent goes up by 4).
    func outlierCheckpoint() throws -> String {
        let original = ModelFixtures.directory("tiny-bert")
        let folder = try temporaryFolder()
        for file in ["config.json", "tokenizer.json"] {
            try FileManager.default.copyItem(at: original.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        let weights = original.appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile(path: weights.path)
        var bytes = [UInt8](try Data(contentsOf: weights))
        for name in file.names where name.hasSuffix("LayerNorm.weight") {
            let info = try XCTUnwrap(file.info(name))
            XCTAssertEqual(info.dtype, .bf16, name)
            for channel in [3, 17] {
                let offset = info.byteRange.lowerBound + 2 * channel
                var value = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
                value += 4 << 7
                bytes[offset] = UInt8(value & 0xFF)
                bytes[offset + 1] = UInt8(value >> 8)
            }
        }
        try Data(bytes).write(to: folder.appendingPathComponent("model.safetensors"))
        return folder.path
    }

    func testBadSmoothingInputsAreClearErrors() throws {
        let source = try ModelFixtures.folder("tiny-bert")
        let out = try temporaryFolder().appendingPathComponent("out").path
        XCTAssertThrowsError(try Int8Export.quantize(folder: source, to: out, smoothing: ActivationSmoothing(calibration: [[]]))) { error in
            XCTAssertTrue("\(error)".contains("no calibration text"), "\(error)")
        }
        XCTAssertThrowsError(try Int8Export.quantize(folder: source, to: out, smoothing: ActivationSmoothing(calibration: [[101, 999_999, 102]]))) { error in
            XCTAssertTrue("\(error)".contains("outside the vocabulary"), "\(error)")
        }
        XCTAssertThrowsError(try Int8Export.quantize(folder: source, to: out, smoothing: ActivationSmoothing(calibration: [[101, 102]], alpha: 2))) { error in
            XCTAssertTrue("\(error)".contains("between 0 and 1"), "\(error)")
        }
        // Smoothing an int8 folder would round twice: it needs the float checkpoint.
        let plain = try temporaryFolder().appendingPathComponent("int8").path
        try Int8Export.quantize(folder: source, to: plain)
        XCTAssertThrowsError(try Int8Export.quantize(folder: plain, to: out, smoothing: ActivationSmoothing(calibration: [[101, 102]]))) { error in
            XCTAssertTrue("\(error)".contains("already quantized"), "\(error)")
        }
    }

    /// A factor that is zero (or negative, or not finite) would divide by zero: refused at load.
    func testDamagedInputScaleIsAClearError() throws {
        let (_, folder) = try smoothedFolder("tiny-bert")
        let path = folder + "/model.safetensors"
        let name = "bert.encoder.layer.0.intermediate.dense.input_scale"
        let info = try XCTUnwrap(try SafeTensorsFile(path: path).info(name))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(info.byteRange.lowerBound..<info.byteRange.lowerBound + 4, with: [0, 0, 0, 0])
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try MaskedLanguageModel.load(folder: folder, precision: .int8)) { error in
            XCTAssertTrue("\(error)".contains("\(name.dropLast(".input_scale".count)).input_scale[0] is 0.0"), "\(error)")
        }
    }

    func testUnknownFormatVersionIsRefused() throws {
        let config: JSONValue = [
            "model_type": "bert", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "intermediate_size": 64, "max_position_embeddings": 64, "vocab_size": 1000,
            "quantization_config": ["quant_method": "maskfill-int8", "format_version": 3],
        ]
        XCTAssertThrowsError(try ModelConfig(json: config)) { error in
            XCTAssertTrue("\(error)".contains("format_version 3 (this MaskFill reads 1 to 2)"), "\(error)")
        }
    }
}
