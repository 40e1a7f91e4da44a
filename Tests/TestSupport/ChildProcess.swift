import Foundation

/// Runs a program to its end as a user would, collecting what it prints.
public enum ChildProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool

        /// The end of both outputs, for failure messages.
        public var tail: String {
            "stdout:\n\(stdout.suffix(3000))\nstderr:\n\(stderr.suffix(3000))"
        }
    }

    /// Runs `executable` with `stdin` as its input (none when nil), reading both outputs to the
    /// end; kills it (and stops waiting) after `timeout` seconds.
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
        environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        // Read both pipes while the child runs, so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outputData = Data()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: group) { outputData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 3) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 3)
            }
        }
        // Children that kept the pipes open (a server an editor started) must not block us.
        let drained = group.wait(timeout: .now() + 5) == .success
        return Outcome(
            status: process.isRunning ? -1 : process.terminationStatus,
            stdout: drained ? String(decoding: outputData, as: UTF8.self) : "(output still open)",
            stderr: drained ? String(decoding: errorData, as: UTF8.self) : "(output still open)",
            timedOut: timedOut)
    }
}
