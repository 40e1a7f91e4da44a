import CKernels
import Foundation
import XCTest

/// Every implementation of a kernel (AVX-512 VNNI, AVX2, portable C) must give the same
/// answers; the portable loops are the reference.
final class KernelTests: XCTestCase {
    override func tearDown() {
        mf_set_cpu_feature_mask(-1)
    }

    typealias Generator = KernelTestGenerator

    var paths: [(String, Int32)] { kernelPaths() }

    /// y[t][o] = Σ x[t][i]·w[o][i] by plain loops: what every int8 path must give.
    func referenceProduct(_ x: [Int8], _ w: [Int8], rows: Int, outputs: Int, depth: Int) -> [Int32] {
        var y = [Int32](repeating: 0, count: rows * outputs)
        for t in 0..<rows {
            for o in 0..<outputs {
                var sum: Int32 = 0
                for i in 0..<depth { sum += Int32(x[t * depth + i]) * Int32(w[o * depth + i]) }
                y[t * outputs + o] = sum
            }
        }
        return y
    }

    func testInt8ProductsAgreeOnEveryPath() {
        var generator = Generator(state: 42)
        for (rows, outputs, depth) in [(1, 1, 1), (7, 13, 32), (6, 8, 64), (13, 37, 100), (3, 5, 768), (17, 9, 3072)] {
            // Activations use all of [-128, 127] (asymmetric codes); weights [-127, 127].
            var x = (0..<(rows * depth)).map { _ in generator.activation() }
            x[0] = -128
            let w = (0..<(outputs * depth)).map { _ in generator.int8() }
            let sums = (0..<outputs).map { o in w[o * depth..<(o + 1) * depth].reduce(Int32(0)) { $0 + Int32($1) } }
            let expected = referenceProduct(x, w, rows: rows, outputs: outputs, depth: depth)
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var y = [Int32](repeating: -1, count: rows * outputs)
                // Two slices, as the threads split the outputs.
                let middle = outputs / 2
                mf_gemm_s8(x, Int32(depth), Int32(rows), w, Int32(depth), sums, Int32(depth), 0, Int32(middle), &y, Int32(outputs))
                mf_gemm_s8(x, Int32(depth), Int32(rows), w, Int32(depth), sums, Int32(depth), Int32(middle), Int32(outputs), &y, Int32(outputs))
                XCTAssertEqual(y, expected, "\(name) rows \(rows) outputs \(outputs) depth \(depth)")
            }
        }
    }

    func testFloatProductsAgreeOnEveryPath() {
        var generator = Generator(state: 7)
        for (rows, outputs, depth) in [(1, 1, 1), (7, 13, 32), (13, 37, 100), (3, 5, 768)] {
            let x = (0..<(rows * depth)).map { _ in generator.float() }
            let w = (0..<(outputs * depth)).map { _ in generator.float() }
            var expected = [Float](repeating: 0, count: rows * outputs)
            for t in 0..<rows {
                for o in 0..<outputs {
                    var sum: Double = 0
                    for i in 0..<depth { sum += Double(x[t * depth + i]) * Double(w[o * depth + i]) }
                    expected[t * outputs + o] = Float(sum)
                }
            }
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var y = [Float](repeating: .nan, count: rows * outputs)
                mf_gemm_f32(x, Int32(depth), Int32(rows), w, Int32(depth), Int32(depth), 0, Int32(outputs), &y, Int32(outputs))
                for (got, want) in zip(y, expected) {
                    XCTAssertEqual(got, want, accuracy: 1e-4 * Float(depth).squareRoot(), "\(name) rows \(rows) outputs \(outputs) depth \(depth)")
                }
            }
        }
    }

    func testQuantizeRowUsesTheFullRange() {
        var q = [Int8](repeating: 0, count: 4)
        let scale = mf_quantize_row_s8([0.5, -1.0, 0.25, 0], 4, &q)
        XCTAssertEqual(scale, 1.0 / 127, accuracy: 1e-9)
        XCTAssertEqual(q, [64, -127, 32, 0])
        XCTAssertEqual(mf_quantize_row_s8([0, 0], 2, &q), 0)
    }

    func testAsymmetricQuantizationReconstructsTheRow() {
        let row: [Float] = [-0.2, 0, 0.1, 3.0, 1.5, -0.05]
        var codes = [UInt8](repeating: 0, count: 8)
        var scale: Float = 0
        var zero: Int32 = 0
        mf_quantize_rows_u8(row, Int32(row.count), 1, Int32(row.count), &codes, 8, &scale, &zero)
        XCTAssertEqual(scale, 3.2 / 255, accuracy: 1e-6)
        for (value, code) in zip(row, codes) {
            XCTAssertEqual(scale * Float(Int32(code) - zero), value, accuracy: scale / 2 + 1e-6)
        }
        XCTAssertEqual(scale * Float(Int32(codes[1]) - zero), 0, "zero stays exact")
        XCTAssertEqual(codes[6...], [0, 0], "padding")
    }

    func testGeluMatchesErfFormOnEveryPath() {
        let inputs: [Float] = (-400...400).map { Float($0) / 40 } + [-90, 90, 0]
        let expected = inputs.map { 0.5 * $0 * (1 + Float(erf(Double($0) / 2.0.squareRoot()))) }
        for (name, mask) in paths {
            mf_set_cpu_feature_mask(mask)
            var values = inputs
            mf_gelu_erf(&values, Int32(values.count))
            for (index, (got, want)) in zip(values, expected).enumerated() {
                XCTAssertEqual(got, want, accuracy: 2e-6 * max(1, abs(inputs[index])), "\(name) gelu(\(inputs[index]))")
            }
        }
    }

    func testSoftmaxOnEveryPath() {
        var generator = Generator(state: 3)
        for count in [1, 5, 8, 16, 17, 24, 31, 50265] {  // whole vectors, pairs of them, and tails
            let logits = (0..<count).map { _ in generator.float() * 30 }
            let maximum = logits.max() ?? 0
            let exponentials = logits.map { Foundation.exp(Double($0 - maximum)) }
            let total = exponentials.reduce(0, +)
            for (name, mask) in paths {
                mf_set_cpu_feature_mask(mask)
                var values = logits
                mf_softmax(&values, Int32(count))
                for (got, want) in zip(values, exponentials.map { $0 / total }) {
                    XCTAssertEqual(Double(got), want, accuracy: 1e-4 * want + 1e-9, "\(name) softmax of \(count)")
                }
            }
        }
    }
}
