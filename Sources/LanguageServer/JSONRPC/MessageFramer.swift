/// Splits the byte stream from the client into message bodies framed by the LSP base
/// protocol: header lines (`Content-Length: N`, optionally `Content-Type`), a blank line, then
/// N bytes of body. Feed it whatever `read` returned: it copes with partial reads, several
/// messages in one read and bodies of many megabytes.
///
/// A malformed header is reported and skipped. When the body length is known the body is
/// skipped with it; otherwise the framer resynchronises at the next `Content-Length`, so one
/// bad frame costs one message, not the session.
struct MessageFramer {
    enum Event: Equatable {
        case message([UInt8])
        case malformed(String)
    }

    /// Bodies larger than this are skipped (and reported) rather than buffered.
    static let maximumBodySize = 256 << 20
    /// A header block longer than this is garbage, not a header still arriving.
    static let maximumHeaderSize = 16 << 10

    private enum State {
        case header
        case body(Int)
        case skipping(Int)
        case resynchronising
    }

    private var buffer: [UInt8] = []
    private var head = 0
    private var state = State.header
    private static let lengthName = Array("content-length".utf8)

    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message or framing error, or nil when more input is needed.
    mutating func next() -> Event? {
        while true {
            switch state {
            case .body(let length):
                guard buffer.count - head >= length else { return nil }
                let body = Array(buffer[head..<head + length])
                head += length
                state = .header
                compact()
                return .message(body)
            case .skipping(let remaining):
                let dropped = min(buffer.count - head, remaining)
                head += dropped
                compact()
                guard dropped == remaining else {
                    state = .skipping(remaining - dropped)
                    return nil
                }
                state = .header
            case .resynchronising:
                if let found = findLengthName(from: head) {
                    head = found
                    state = .header
                } else {
                    // Keep a tail that may be the start of "Content-Length" split across reads.
                    head = max(head, buffer.count - (Self.lengthName.count - 1))
                    compact()
                    return nil
                }
            case .header:
                // Blank lines between messages are harmless.
                while head < buffer.count, buffer[head] == UInt8(ascii: "\r") || buffer[head] == UInt8(ascii: "\n") {
                    head += 1
                }
                guard let (blockEnd, bodyStart) = headerBlockEnd() else {
                    if buffer.count - head > Self.maximumHeaderSize {
                        head += 1
                        state = .resynchronising
                        return .malformed("header longer than \(Self.maximumHeaderSize) bytes without a blank line")
                    }
                    compact()
                    return nil
                }
                let blockStart = head
                let parsed = Self.parseHeader(buffer[head..<blockEnd])
                head = bodyStart
                switch parsed {
                case .success(let length):
                    guard length <= Self.maximumBodySize else {
                        state = .skipping(length)
                        return .malformed("message of \(length) bytes is larger than the \(Self.maximumBodySize >> 20) MiB limit; skipped")
                    }
                    state = .body(length)
                case .failure(let failure):
                    if let length = failure.length, length <= Self.maximumBodySize {
                        state = .skipping(length)
                    } else {
                        // Without any Content-Length line the block may be a body sent with no
                        // header, glued to the next real header: look for it inside the block too.
                        if !failure.namedLength { head = blockStart + 1 }
                        state = .resynchronising
                    }
                    return .malformed(failure.message)
                }
            }
        }
    }

    /// Where the header block ends (the blank line): the block's end and the body's start.
    /// Lines may end in CRLF (the protocol) or LF (tolerated).
    private func headerBlockEnd() -> (Int, Int)? {
        var index = head
        let newline = UInt8(ascii: "\n")
        let limit = min(buffer.count, head + Self.maximumHeaderSize + 4)
        while index < limit {
            guard buffer[index] == newline else {
                index += 1
                continue
            }
            if index + 1 < buffer.count, buffer[index + 1] == newline { return (index, index + 2) }
            if index + 2 < buffer.count, buffer[index + 1] == UInt8(ascii: "\r"), buffer[index + 2] == newline {
                return (index, index + 3)
            }
            index += 1
        }
        return nil
    }

    struct HeaderFailure: Error {
        var message: String
        /// The body length, when a valid Content-Length was among the bad lines.
        var length: Int?
        /// Whether any line was named Content-Length (valid or not).
        var namedLength: Bool
    }

    /// Reads the header lines: the body length, or what is wrong with them.
    static func parseHeader(_ block: ArraySlice<UInt8>) -> Result<Int, HeaderFailure> {
        var length: Int?
        var namedLength = false
        var problem: String?
        for rawLine in block.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                problem = problem ?? "malformed header line \(quoted(line))"
                continue
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingSpaces().lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            switch name {
            case "content-length":
                namedLength = true
                guard !value.isEmpty, value.count <= 12, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(value) else {
                    problem = problem ?? "invalid Content-Length \(quoted(Array(value.utf8)[...]))"
                    continue
                }
                if let length, length != number {
                    problem = problem ?? "conflicting Content-Length headers (\(length) and \(number))"
                }
                length = number
            default:
                // Content-Type is tolerated (the body is UTF-8 JSON whatever it says); other
                // headers are ignored, as the protocol allows.
                break
            }
        }
        if let problem { return .failure(HeaderFailure(message: problem, length: length, namedLength: namedLength)) }
        guard let length else {
            return .failure(HeaderFailure(message: "header without Content-Length", length: nil, namedLength: namedLength))
        }
        return .success(length)
    }

    private static func quoted(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(80), as: UTF8.self)
        return "\"" + text + (bytes.count > 80 ? "…" : "") + "\""
    }

    /// The next "Content-Length" (any case) at or after `start`.
    private func findLengthName(from start: Int) -> Int? {
        let name = Self.lengthName
        var index = start
        while index + name.count <= buffer.count {
            var matched = true
            for offset in 0..<name.count {
                var byte = buffer[index + offset]
                if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
                if byte != name[offset] {
                    matched = false
                    break
                }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }

    /// Drops consumed bytes once they are most of the buffer, so a long session does not grow it.
    private mutating func compact() {
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            head = 0
        } else if head > 1 << 16, head * 2 > buffer.count {
            buffer.removeSubrange(0..<head)
            head = 0
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (header values; Foundation-free).
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
