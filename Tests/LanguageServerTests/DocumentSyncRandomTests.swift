import JSON
@testable import LanguageServer
import XCTest

/// Random incremental edits, checked against a mirror of the document kept here as the LSP
/// specification describes it (lines end at `\n`, `\r\n` or `\r`; characters counted in the
/// negotiated encoding). After every batch the server's inlay hints must sit exactly at the ends
/// of the masks in the mirror, which exercises edit application, position conversion both ways
/// and mask finding at once. Seeded, so a failure repeats.
final class DocumentSyncRandomTests: XCTestCase {
    func testEditsInUTF8() throws { try runEdits(encoding: "utf-8", seed: 1) }
    func testEditsInUTF16() throws { try runEdits(encoding: "utf-16", seed: 2) }
    func testEditsInUTF32() throws { try runEdits(encoding: "utf-32", seed: 3) }

    private func runEdits(encoding: String, seed: UInt64, rounds: Int = 120) throws {
        var random = SplitMix64(seed: seed)
        let session = InProcessSession()
        let capabilities: JSONValue = ["general": ["positionEncodings": [.string(encoding)]]]
        let negotiated = try session.initialize(capabilities: capabilities)["capabilities"]?["positionEncoding"]?.stringValue
        XCTAssertEqual(negotiated, encoding)
        var mirror = MirroredText("I have watched this <mask> and it was awesome.\r\nThe [MASK] 😀 is e\u{301} blue.\n", encoding: encoding)
        let uri = "file:///sync.txt"
        session.open(mirror.string, uri: uri, language: "plaintext")
        var version = 1
        for round in 0..<rounds {
            var changes: [JSONValue] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                var lower = mirror.randomBoundary(using: &random)
                var upper = Bool.random(using: &random) ? lower : mirror.randomBoundary(using: &random)
                if upper < lower { swap(&lower, &upper) }
                let inserted = MirroredText.randomPiece(using: &random)
                changes.append(["range": ["start": mirror.position(lower), "end": mirror.position(upper)], "text": .string(inserted)])
                mirror.replace(lower..<upper, with: inserted)
            }
            if mirror.scalars.count > 2_000 {
                mirror = MirroredText("short <mask> text", encoding: encoding)
                changes.append(["text": .string(mirror.string)])
            }
            version += 1
            session.client.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": .int(Int64(version))], "contentChanges": .array(changes)])
            let range: JSONValue = ["start": ["line": 0, "character": 0], "end": mirror.position(mirror.scalars.count)]
            let hints = try XCTUnwrap(session.result("textDocument/inlayHint", ["textDocument": ["uri": .string(uri)], "range": range]).arrayValue)
            let expected = mirror.maskEnds().prefix(200).map { mirror.position($0) }
            guard hints.map({ $0["position"] ?? .null }) == expected else {
                return XCTFail("round \(round) (\(encoding)): hints at \(hints.map { $0["position"]?.serialized() ?? "-" }), masks end at \(expected.map { $0.serialized() }) in \(mirror.string.debugDescription)")
            }
        }
    }
}

/// The test's own model of a document: Unicode scalars, with lines and positions computed from
/// the specification's rules, independently of the server's `LineTable`.
private struct MirroredText {
    var scalars: [Unicode.Scalar]
    let encoding: String

    init(_ text: String, encoding: String) {
        scalars = Array(text.unicodeScalars)
        self.encoding = encoding
    }

    var string: String { String(String.UnicodeScalarView(scalars)) }

    static let pieces = ["<mask>", "[MASK]", "word ", "the ", "é", "e\u{301}", "😀", "𝒳", "\n", "\r\n", "\r", " ",
                         "\t", "<", "mask>", "[MASK", "]", "ab", "\u{2028}", "中文"]

    static func randomPiece(using random: inout SplitMix64) -> String {
        let count = [0, 1, 2, 5, 12][Int.random(in: 0..<5, using: &random)]
        return (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
    }

    /// Each line as (first scalar, end before its terminator).
    var lines: [(start: Int, end: Int)] {
        var result: [(Int, Int)] = []
        var start = 0
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                result.append((start, index))
                index += 2
                start = index
            case "\r", "\n":
                result.append((start, index))
                index += 1
                start = index
            default:
                index += 1
            }
        }
        result.append((start, scalars.count))
        return result
    }

    func units(_ scalar: Unicode.Scalar) -> Int {
        switch encoding {
        case "utf-8": return UTF8.width(scalar)
        case "utf-16": return UTF16.width(scalar)
        default: return 1
        }
    }

    /// A scalar index where a position can point: somewhere in a line, never inside a terminator.
    func randomBoundary(using random: inout SplitMix64) -> Int {
        let all = lines
        let line = all[Int.random(in: 0..<all.count, using: &random)]
        return Int.random(in: line.start...line.end, using: &random)
    }

    func position(_ index: Int) -> JSONValue {
        for (number, line) in lines.enumerated() where line.start <= index && index <= line.end {
            let character = scalars[line.start..<index].reduce(0) { $0 + units($1) }
            return ["line": .int(Int64(number)), "character": .int(Int64(character))]
        }
        preconditionFailure("index \(index) is inside a line terminator")
    }

    mutating func replace(_ range: Range<Int>, with text: String) {
        scalars.replaceSubrange(range, with: Array(text.unicodeScalars))
    }

    /// Where each mask ends, finding them left to right without overlap.
    func maskEnds() -> [Int] {
        let spellings = ["<mask>", "[MASK]"].map { Array($0.unicodeScalars) }
        var ends: [Int] = []
        var index = 0
        scan: while index < scalars.count {
            for spelling in spellings where scalars[index...].starts(with: spelling) {
                index += spelling.count
                ends.append(index)
                continue scan
            }
            index += 1
        }
        return ends
    }
}

/// A small seeded generator (SplitMix64), so a failing sequence of edits can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
