import Foundation

/// Reads the client's byte stream on a thread of its own, so a slow handler never stops
/// `$/cancelRequest` or the next change from being read. Frames go to `deliver` in order;
/// `end` runs once, at end of input or on a read error.
enum InputReader {
    static func start(
        descriptor: Int32,
        deliver: @escaping @Sendable (MessageFramer.Event) -> Void,
        end: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            var framer = MessageFramer()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { buffer in
                    read(descriptor, buffer.baseAddress, buffer.count)
                }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                framer.append(chunk[0..<count])
                while let event = framer.next() { deliver(event) }
            }
            end()
        }
        thread.name = "maskfill.lsp.input"
        thread.start()
    }
}
