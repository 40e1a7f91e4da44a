import Foundation
import JSON
import Synchronization

/// Where the server's messages go: stdout in production, a queue in tests and benchmarks.
/// `send` may be called from any thread; a transport delivers each message whole.
public protocol MessageTransport: Sendable {
    func send(_ message: JSONValue)
}

/// Writes framed messages (`Content-Length` header and UTF-8 JSON body) to a file descriptor.
/// The lock makes each message one uninterrupted write, whichever thread sends it.
final class FileDescriptorTransport: MessageTransport {
    private let descriptor: Mutex<Int32>

    init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    func send(_ message: JSONValue) {
        let body = message.serializedBytes()
        var bytes = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        bytes.append(contentsOf: body)
        descriptor.withLock { descriptor in
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // the client closed its end; the reader will see end of input
                    }
                    offset += written
                }
            }
        }
    }
}
