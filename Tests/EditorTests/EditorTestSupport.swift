import Foundation
import XCTest

/// Paths, tools and child processes for the editor tests.
enum EditorTestSupport {
    /// The repository root (this file is Tests/EditorTests/EditorTestSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var editors: URL { repositoryRoot.appendingPathComponent("editors") }

    /// The tiny random BERT checkpoint: real uncased tokenizer, random weights.
    static var tinyBERT: String {
        repositoryRoot.appendingPathComponent("Tests/InferenceTests/Fixtures/tiny-bert").path
    }

    /// The `maskfill` executable SwiftPM built beside the test bundle ($MASKFILL_BIN overrides).
    static var maskfill: URL {
        if let override = ProcessInfo.processInfo.environment["MASKFILL_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let bundle = Bundle(for: Marker.self).bundleURL
        for folder in [bundle.deletingLastPathComponent(), bundle] {
            let candidate = folder.appendingPathComponent("maskfill")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return bundle.deletingLastPathComponent().appendingPathComponent("maskfill")
    }

    private final class Marker {}

    struct ToolMissing: Error, CustomStringConvertible {
        var description: String
    }

    /// The full path of a program on PATH, or an error that says how CI installs it.
    static func tool(_ name: String, install: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ToolMissing(description: "`\(name)` is not on PATH, and the editor tests need it: \(install) (.ci/run does this in CI)")
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryFolder(_ test: XCTestCase, _ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("maskfill-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool

        /// The end of both outputs, for failure messages.
        var tail: String {
            let text = "stdout:\n\(stdout.suffix(3000))\nstderr:\n\(stderr.suffix(3000))"
            return text
        }
    }

    /// Runs a program with no standard input, reading its output; kills it (and stops waiting)
    /// after `timeout` seconds.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = [:], timeout: TimeInterval
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
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let group = DispatchGroup()
        nonisolated(unsafe) var outputData = Data()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: group) { outputData = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 3) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 3)
            }
        }
        // Children that kept the pipes open (a server the editor started) must not block us.
        let drained = group.wait(timeout: .now() + 5) == .success
        return Outcome(
            status: process.isRunning ? -1 : process.terminationStatus,
            stdout: drained ? String(decoding: outputData, as: UTF8.self) : "(output still open)",
            stderr: drained ? String(decoding: errorData, as: UTF8.self) : "(output still open)",
            timedOut: timedOut)
    }
}
