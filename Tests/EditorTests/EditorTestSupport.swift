import Foundation
import TestSupport
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

    /// The `maskfill` executable SwiftPM built beside the tests ($MASKFILL_BIN overrides).
    static var maskfill: URL { BuiltProducts.maskfill }

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

    typealias Outcome = ChildProcess.Outcome

    /// Runs a program with no standard input; kills it after `timeout` seconds.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = [:], timeout: TimeInterval
    ) throws -> Outcome {
        try ChildProcess.run(executable, arguments, in: directory, environment: environment, timeout: timeout)
    }
}
