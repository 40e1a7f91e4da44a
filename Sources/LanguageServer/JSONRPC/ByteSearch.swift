extension Array where Element == UInt8 {
    /// Whether the UTF-8 of `text` occurs in these bytes (for messages that are not valid JSON).
    func containsBytes(of text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in
            self[start] == needle[0] && self[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
