import JSON
import Tokenizers
import XCTest

/// Ids and offsets as Python `tokenizers` wrote them into a fixture (`{"ids": …, "offsets": …}`).
struct ExpectedEncoding {
    let ids: [Int]
    let offsets: [TokenOffsets]

    init(_ json: JSONValue) {
        ids = json["ids"]?.arrayValue?.compactMap(\.intValue) ?? []
        offsets = (json["offsets"]?.arrayValue ?? []).map { pair in
            let values = pair.arrayValue?.compactMap(\.intValue) ?? []
            return TokenOffsets(values.first ?? -1, values.last ?? -1)
        }
    }

    /// Nil when `encoding` has these ids and offsets; otherwise both, for a failure message.
    func mismatch(_ encoding: Encoding) -> String? {
        guard encoding.ids != ids || encoding.offsets != offsets else { return nil }
        return "ids \(encoding.ids) offsets \(encoding.offsets.map { [$0.start, $0.end] }), "
            + "expected \(ids) \(offsets.map { [$0.start, $0.end] })"
    }
}

/// Encodes every case with `tokenizer` and asserts each has the fixture's ids and offsets;
/// `label` names a case in the failure message, `what` the kind of case.
func assertMatchesPython(_ tokenizer: Tokenizer, _ cases: [(label: String, text: String)], _ expected: [JSONValue], what: String,
                         file: StaticString, line: UInt) {
    XCTAssertEqual(cases.count, expected.count, file: file, line: line)
    XCTAssertGreaterThan(cases.count, 1000, file: file, line: line)
    var failures: [String] = []
    for (item, want) in zip(cases, expected) {
        if let mismatch = ExpectedEncoding(want).mismatch(tokenizer.encode(item.text)) {
            failures.append("\(item.label): " + mismatch)
        }
    }
    XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(cases.count) \(what) differ from Python tokenizers:\n"
                  + failures.prefix(10).joined(separator: "\n"), file: file, line: line)
}
