import FillMask
import Foundation
import Inference
import JSON
import Tokenizers
import XCTest

/// The tiny random checkpoints and their reference outputs from PyTorch/transformers
/// (Fixtures/generate_model_fixtures.py).
enum ModelFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let sharedRoberta = root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/tokenizers/roberta/tokenizer.json")

    struct Case {
        var text: String
        var inputIDs: [Int]
        var maskPositions: [Int]
        var logitRange: Float
        /// Reference top-20 ids per mask, best first.
        var topIDs: [[Int]]
        var pipeline: JSONValue
    }

    /// A model folder ready to load. tiny-roberta's tokenizer is the shared distilroberta one,
    /// linked in beside it; the test is skipped with a message when ../shared is absent.
    static func folder(_ name: String) throws -> String {
        let source = directory(name)
        if FileManager.default.fileExists(atPath: source.appendingPathComponent("tokenizer.json").path) {
            return source.path
        }
        guard FileManager.default.fileExists(atPath: sharedRoberta.path) else {
            throw XCTSkip("skipped: \(name) needs the shared RoBERTa tokenizer at \(sharedRoberta.path) (../shared is absent)")
        }
        // Links, not copies, in one folder per checkout that every test run reuses: a copy per
        // process left 6.7 MB in /tmp after each `swift test`.
        let checkout = source.path.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-\(name)-\(String(checkout, radix: 16))")
        if !FileManager.default.fileExists(atPath: target.appendingPathComponent("tokenizer.json").path) {
            let staging = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-\(name)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in ["config.json", "model.safetensors"] {
                try FileManager.default.createSymbolicLink(at: staging.appendingPathComponent(file), withDestinationURL: source.appendingPathComponent(file))
            }
            try FileManager.default.createSymbolicLink(at: staging.appendingPathComponent("tokenizer.json"), withDestinationURL: sharedRoberta)
            // Another test process may have made it first; then its folder is used.
            if rename(staging.path, target.path) != 0 { try? FileManager.default.removeItem(at: staging) }
        }
        return target.path
    }

    /// The fixture folder; "full-size" is the distilroberta-shaped model made by hand with
    /// `generate_model_fixtures.py --full-size DIR` and named by $MASKFILL_FULL_SIZE_MODEL.
    static func directory(_ name: String) -> URL {
        if name == "full-size", let path = ProcessInfo.processInfo.environment["MASKFILL_FULL_SIZE_MODEL"] {
            return URL(fileURLWithPath: path)
        }
        return root.appendingPathComponent(name)
    }

    static func requireFullSize() throws {
        guard ProcessInfo.processInfo.environment["MASKFILL_FULL_SIZE_MODEL"] != nil else {
            throw XCTSkip("skipped: set MASKFILL_FULL_SIZE_MODEL to a folder made by generate_model_fixtures.py --full-size (run by hand)")
        }
    }

    static func cases(_ name: String) throws -> [Case] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        let json = try JSONValue.parse(data)
        return try XCTUnwrap(json["cases"]?.arrayValue).map { item in
            Case(
                text: item["text"]?.stringValue ?? "",
                inputIDs: item["input_ids"]?.arrayValue?.compactMap(\.intValue) ?? [],
                maskPositions: item["mask_positions"]?.arrayValue?.compactMap(\.intValue) ?? [],
                logitRange: Float((item["logit_max"]?.doubleValue ?? 0) - (item["logit_min"]?.doubleValue ?? 0)),
                topIDs: item["top"]?.arrayValue?.map { $0.arrayValue?.compactMap { $0["id"]?.intValue } ?? [] } ?? [],
                pipeline: item["pipeline"] ?? .null
            )
        }
    }

    /// Full reference logits for case `index`: one row per mask.
    static func referenceLogits(_ name: String, case index: Int) throws -> [[Float]] {
        let file = try SafeTensorsFile(path: directory(name).appendingPathComponent("expected_logits.safetensors").path)
        let info = try XCTUnwrap(file.info("case\(index)"))
        let values = try file.floatArray("case\(index)")
        let columns = info.shape.last ?? 0
        return (0..<(info.shape.first ?? 0)).map { Array(values[$0 * columns..<($0 + 1) * columns]) }
    }
}

extension XCTestCase {
    /// A new empty folder, removed when the test ends.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-model-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
