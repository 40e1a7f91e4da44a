import JSON
import Tokenizers

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
