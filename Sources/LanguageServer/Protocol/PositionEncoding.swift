/// How the `character` of a position counts: UTF-16 code units unless the client offers
/// another in `general.positionEncodings` (LSP 3.17).
enum PositionEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case utf32 = "utf-32"

    /// The client's first offer the server supports (clients list them best first); UTF-16,
    /// which every client must support, when it offers none.
    static func negotiate(clientOffers: [String]) -> PositionEncoding {
        for offer in clientOffers {
            if let encoding = PositionEncoding(rawValue: offer.lowercased()) { return encoding }
        }
        return .utf16
    }

    /// Units one scalar takes, given its UTF-8 length (1 to 4 bytes).
    @inline(__always)
    func width(utf8Length: Int) -> Int {
        switch self {
        case .utf8: return utf8Length
        case .utf16: return utf8Length == 4 ? 2 : 1
        case .utf32: return 1
        }
    }
}
