import Dispatch
import Foundation
import Synchronization

/// Runs the server on stdin and stdout until `exit` (or end of input) and returns the exit
/// code: 0 after `shutdown`, 1 otherwise.
public enum StdioLanguageServer {
    public static func run(options: LanguageServerOptions) -> Int32 {
        // A client that goes away must not kill the server with SIGPIPE mid-write.
        signal(SIGPIPE, SIG_IGN)
        // Stdout belongs to the protocol: keep a descriptor for it and point descriptor 1 at
        // stderr, so nothing printed by accident can corrupt the stream.
        var protocolOutput = dup(STDOUT_FILENO)
        if protocolOutput < 0 {
            protocolOutput = STDOUT_FILENO
        } else {
            dup2(STDERR_FILENO, STDOUT_FILENO)
        }
        let transport = FileDescriptorTransport(descriptor: protocolOutput)
        let exitCode = Mutex<Int32>(1)
        let finished = DispatchSemaphore(value: 0)
        let server = LanguageServer(options: options, transport: transport) { code in
            exitCode.withLock { $0 = code }
            finished.signal()
        }
        InputReader.start(descriptor: STDIN_FILENO, deliver: { server.receive($0) }, end: { server.receiveEndOfInput() })
        finished.wait()
        return exitCode.withLock { $0 }
    }
}
