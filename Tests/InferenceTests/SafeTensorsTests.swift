import Foundation
import Inference
import XCTest

/// Reading safetensors: every dtype MaskFill computes with, and every way a header can lie.
final class SafeTensorsTests: XCTestCase {
    var temporary: URL!

    override func setUpWithError() throws {
        temporary = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-st-\(UUID())")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temporary)
    }

    /// Writes a file from a header string and data bytes, as the format lays them out.
    func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) throws -> String {
        var bytes: [UInt8] = []
        let headerBytes = Array(header.utf8)
        var length = (declaredLength ?? UInt64(headerBytes.count)).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes += headerBytes + data
        let url = temporary.appendingPathComponent("\(UUID()).safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    func testReadsF32F16BF16AndI8() throws {
        let f32: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0]  // 1.0, -2.0
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xB8, 0x01, 0x00]  // 1.0, -0.5, smallest subnormal
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]  // 1.0, -3.0
        let i8: [UInt8] = [0x7F, 0x81, 0x00]  // 127, -127, 0
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]},"d":{"dtype":"I8","shape":[3],"data_offsets":[18,21]}}"#
        let safetensors = try SafeTensorsFile(path: try file(header: header, data: f32 + f16 + bf16 + i8))
        XCTAssertEqual(safetensors.metadata["format"], "pt")
        XCTAssertEqual(try safetensors.floatArray("a"), [1, -2])
        XCTAssertEqual(try safetensors.floatArray("b"), [1, -0.5, Float(5.960464477539063e-08)])
        XCTAssertEqual(try safetensors.floatArray("c"), [1, -3])
        XCTAssertEqual(try safetensors.int8Array("d"), [127, -127, 0])
        XCTAssertEqual(safetensors.info("a")?.shape, [2])
        XCTAssertThrowsError(try safetensors.floatArray("d"))
    }

    func assertRejected(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil, mentioning words: String,
                        line: UInt = #line) throws {
        let path = try file(header: header, data: data, declaredLength: declaredLength)
        XCTAssertThrowsError(try SafeTensorsFile(path: path), line: line) { error in
            XCTAssertTrue("\(error)".contains(words), "\(error)", line: line)
            XCTAssertTrue("\(error)".contains(path), "errors name the file: \(error)", line: line)
        }
    }

    func testRejectsCorruptHeaders() throws {
        try assertRejected(header: "{}", declaredLength: 1 << 40, mentioning: "corrupt safetensors header")
        try assertRejected(header: "{not json", mentioning: "invalid JSON")
        try assertRejected(header: "[1]", mentioning: "not a JSON object")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [0, 0, 0, 0],
                           mentioning: "outside the file")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8),
                           mentioning: "needs 12")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                           data: Array(repeating: 0, count: 12), mentioning: "overlap")
        try assertRejected(header: #"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, data: [0], mentioning: "unknown dtype Q4")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, mentioning: "invalid shape")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904, 4],"data_offsets":[0,0]}}"#, mentioning: "impossibly large")
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, data: Array(repeating: 0, count: 8),
                           mentioning: "outside the file")
    }

    func testRejectsShortAndEmptyFiles() throws {
        for bytes in [[UInt8](), [1, 2, 3]] {
            let url = temporary.appendingPathComponent("\(UUID()).safetensors")
            try Data(bytes).write(to: url)
            XCTAssertThrowsError(try SafeTensorsFile(path: url.path)) { error in
                XCTAssertTrue("\(error)".contains("not a safetensors file"), "\(error)")
            }
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: temporary.appendingPathComponent("absent").path)) { error in
            XCTAssertTrue("\(error)".contains("cannot open"), "\(error)")
        }
    }

    /// Every truncation of a real checkpoint is an error, never a crash.
    func testEveryTruncationOfARealFileIsAnError() throws {
        let original = try Data(contentsOf: ModelFixtures.root.appendingPathComponent("tiny-bert/model.safetensors"))
        for length in [0, 4, 8, 9, 100, 1000, original.count / 2, original.count - 1] {
            let url = temporary.appendingPathComponent("cut-\(length).safetensors")
            try original.prefix(length).write(to: url)
            XCTAssertThrowsError(try SafeTensorsFile(path: url.path), "truncated to \(length) bytes")
        }
    }
}
