import FillMask
import Foundation
import Inference
import JSON
import XCTest

/// config.json and weight-name handling, missing tensors, and the int8 folder round trip.
final class ModelLoadingTests: XCTestCase {
    func testConfigReadsBothFamilies() throws {
        let roberta = try ModelConfig.load(contentsOf: ModelFixtures.root.appendingPathComponent("tiny-roberta/config.json").path)
        XCTAssertEqual(roberta.family, .roberta)
        XCTAssertEqual(roberta.firstPositionID, 2)
        XCTAssertEqual(roberta.maxTokens, 512)
        XCTAssertEqual(roberta.layerNormEpsilon, 1e-5)
        let bert = try ModelConfig.load(contentsOf: ModelFixtures.root.appendingPathComponent("tiny-bert/config.json").path)
        XCTAssertEqual(bert.family, .bert)
        XCTAssertEqual(bert.firstPositionID, 0)
        XCTAssertEqual(bert.typeVocabularySize, 2)
        XCTAssertEqual(bert.activation, .gelu)
    }

    func testConfigErrorsAreClear() {
        XCTAssertThrowsError(try ModelConfig(json: ["model_type": "gpt2"])) { error in
            XCTAssertTrue("\(error)".contains("unsupported model type \"gpt2\""), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(json: ["model_type": "bert", "hidden_size": 32])) { error in
            XCTAssertTrue("\(error)".contains("num_hidden_layers"), "\(error)")
        }
        // RoBERTa positions start after the padding id: one outside the vocabulary would read
        // outside the position table, so it is refused when the config is read.
        for padding: Int64 in [-5, -100_000_000, 50_265] {
            let config: JSONValue = [
                "model_type": "roberta", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                "intermediate_size": 64, "max_position_embeddings": 130, "vocab_size": 50_265, "pad_token_id": .int(padding),
            ]
            XCTAssertThrowsError(try ModelConfig(json: config)) { error in
                XCTAssertTrue("\(error)".contains("pad_token_id \(padding) is not a token id"), "\(error)")
            }
        }
    }

    func testMissingTensorsAreNamed() throws {
        let folder = try temporaryFolder()
        let source = ModelFixtures.root.appendingPathComponent("tiny-bert")
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        // Keep every tensor but layer 1's query weight and the head's bias.
        let original = try SafeTensorsFile(path: source.appendingPathComponent("model.safetensors").path)
        var header = JSONObject()
        var data: [UInt8] = []
        let raw = try Data(contentsOf: source.appendingPathComponent("model.safetensors"))
        for name in original.names where name != "bert.encoder.layer.1.attention.self.query.weight" && name != "cls.predictions.bias" {
            guard let info = original.info(name) else { continue }
            let bytes = raw[info.byteRange]
            header[name] = ["dtype": .string(info.dtype.rawValue), "shape": .array(info.shape.map { .int(Int64($0)) }),
                            "data_offsets": [.int(Int64(data.count)), .int(Int64(data.count + bytes.count))]]
            data += bytes
        }
        var file: [UInt8] = []
        let headerBytes = JSONValue.object(header).serializedBytes()
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { file.append(contentsOf: $0) }
        try Data(file + headerBytes + data).write(to: folder.appendingPathComponent("model.safetensors"))
        XCTAssertThrowsError(try MaskedLanguageModel.load(folder: folder.path, precision: .int8)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("missing tensors"), message)
            XCTAssertTrue(message.contains("bert.encoder.layer.1.attention.self.query.weight"), message)
            XCTAssertTrue(message.contains("cls.predictions.bias"), message)
        }
    }

    func testMissingFolderAndWeightsAreClear() throws {
        XCTAssertThrowsError(try MaskedLanguageModel.load(folder: "/nonexistent/model", precision: .int8)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: ModelFixtures.root.appendingPathComponent("tiny-bert/config.json"), to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try MaskedLanguageModel.load(folder: folder.path, precision: .int8)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors does not exist"), "\(error)")
        }
    }

    /// `quantize` writes a folder that loads without conversion and computes exactly what
    /// quantizing at load computes.
    func testQuantizedFolderMatchesQuantizingAtLoad() throws {
        let source = try ModelFixtures.folder("tiny-bert")
        let destination = try temporaryFolder().appendingPathComponent("int8").path
        try Int8Export.quantize(folder: source, to: destination)
        let written = try SafeTensorsFile(path: destination + "/model.safetensors")
        XCTAssertEqual(written.info("bert.encoder.layer.0.attention.self.query.weight")?.dtype, .i8)
        XCTAssertEqual(written.info("bert.encoder.layer.0.attention.self.query.weight_scale")?.dtype, .f32)
        XCTAssertEqual(written.info("bert.embeddings.word_embeddings.weight")?.dtype, .i8)
        XCTAssertEqual(written.info("bert.embeddings.LayerNorm.weight")?.dtype, .f32)
        XCTAssertNil(written.info("cls.predictions.decoder.weight"), "the tied decoder is not stored twice")
        let config = try ModelConfig.load(contentsOf: destination + "/config.json")
        XCTAssertNotNil(config.quantization)

        let atLoad = try MaskedLanguageModel.load(folder: source, precision: .int8)
        let fromFolder = try MaskedLanguageModel.load(folder: destination, precision: .int8)
        for item in try ModelFixtures.cases("tiny-bert").prefix(5) {
            XCTAssertEqual(try fromFolder.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions),
                           try atLoad.logits(tokenIDs: item.inputIDs, maskPositions: item.maskPositions))
        }
        let pipeline = try FillMaskPipeline(folder: destination, precision: .int8)
        XCTAssertEqual(try pipeline.fill("He is not feeling <mask>.").first?.count, 5)
    }

    func testBadInputsToLogitsAreErrors() throws {
        let model = try MaskedLanguageModel.load(folder: try ModelFixtures.folder("tiny-bert"), precision: .int8)
        XCTAssertThrowsError(try model.logits(tokenIDs: [], maskPositions: []))
        XCTAssertThrowsError(try model.logits(tokenIDs: [101, 999_999, 102], maskPositions: [1]))
        XCTAssertThrowsError(try model.logits(tokenIDs: [101, 103, 102], maskPositions: [3]))
        XCTAssertThrowsError(try model.logits(tokenIDs: Array(repeating: 1000, count: 513), maskPositions: [1]))
    }
}
