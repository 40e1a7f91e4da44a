import Foundation

/// Writes to stdout and stderr (file descriptors 1 and 2, unbuffered, whole lines at a time).
/// Standard output carries results only; messages go to stderr.
enum Output {
    static func line(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: 1)
    }

    static func error(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: 2)
    }

    static func flush() {}

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // the reader went away; nothing useful left to do with this output
                }
                offset += written
            }
        }
    }
}
