import Foundation
import JSON
import Synchronization

/// The server's log: every line on stderr (stdout is the protocol's), and once the client is
/// initialized, `window/logMessage` too. `show` also pops a `window/showMessage` for things the
/// user must act on: a bad setting, a model that cannot be loaded.
final class ServerLog: Sendable {
    enum Level: Int, Sendable {
        case error = 1, warning, info, debug

        var name: String {
            switch self {
            case .error: return "error"
            case .warning: return "warning"
            case .info: return "info"
            case .debug: return "debug"
            }
        }
    }

    private let transport: any MessageTransport
    private let clientReady = Atomic<Bool>(false)
    /// Debug lines (per-request timings) go to stderr only when asked for.
    private let verbose: Bool
    private let toStandardError: Bool

    init(transport: any MessageTransport, verbose: Bool, toStandardError: Bool = true) {
        self.transport = transport
        self.verbose = verbose
        self.toStandardError = toStandardError
    }

    /// After the initialize response: the client may now receive log messages.
    func enableClientMessages() { clientReady.store(true, ordering: .releasing) }

    func error(_ message: String) { write(.error, message) }
    func warning(_ message: String) { write(.warning, message) }
    func info(_ message: String) { write(.info, message) }
    func debug(_ message: String) { if verbose { write(.debug, message) } }

    /// Logs `message` and shows it in the editor.
    func show(_ level: Level, _ message: String) {
        write(level, message)
        transport.send(OutgoingMessage.notification(
            method: "window/showMessage",
            params: ["type": .int(Int64(min(level.rawValue, 3))), "message": .string(message)]))
    }

    private func write(_ level: Level, _ message: String) {
        if toStandardError { writeToStandardError(level, message) }
        guard level != .debug, clientReady.load(ordering: .acquiring) else { return }
        transport.send(OutgoingMessage.notification(
            method: "window/logMessage", params: ["type": .int(Int64(level.rawValue)), "message": .string(message)]))
    }

    private func writeToStandardError(_ level: Level, _ message: String) {
        var line = "maskfill lsp [\(level.name)] \(message)\n"
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(2, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
