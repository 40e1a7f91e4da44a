import Foundation
import TestSupport
import XCTest

/// `maskfill` with no --model and no $MASKFILL_MODEL finds the default model: from a build in
/// the clone, and installed as <prefix>/bin/maskfill beside <prefix>/share/maskfill/, also
/// when started by name through PATH (as shells and editors do).
final class DefaultModelLookupTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shippedModel = repository.appendingPathComponent("Models/maskfill-mini")
    let noOverride = ["MASKFILL_MODEL": ""]

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-lookup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A prefix with bin/maskfill (a copy of the built one) and, if asked, share/maskfill/maskfill-mini.
    func installedPrefix(withModel: Bool) throws -> URL {
        let prefix = try temporaryFolder()
        let bin = prefix.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BuiltProducts.maskfill, to: bin.appendingPathComponent("maskfill"))
        if withModel {
            let share = prefix.appendingPathComponent("share/maskfill")
            try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: share.appendingPathComponent("maskfill-mini"), withDestinationURL: Self.shippedModel)
        }
        return prefix
    }

    func testBuildInTheCloneFindsModels() throws {
        let elsewhere = try temporaryFolder()
        let result = try ChildProcess.run(BuiltProducts.maskfill, ["fill", "--json", "I love <mask>."], in: elsewhere, environment: noOverride)
        XCTAssertEqual(result.status, 0, result.tail)
        XCTAssertTrue(result.stdout.hasPrefix("[{\"score\""), result.tail)
    }

    func testInstalledBinaryStartedByNameFindsShareMaskfill() throws {
        let prefix = try installedPrefix(withModel: true)
        let path = prefix.appendingPathComponent("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // env runs it the way a shell does: argv[0] is just "maskfill".
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["maskfill", "fill", "--json", "I love <mask>."],
            in: try temporaryFolder(), environment: noOverride.merging(["PATH": path]) { $1 })
        XCTAssertEqual(result.status, 0, result.tail)
        XCTAssertTrue(result.stdout.hasPrefix("[{\"score\""), result.tail)
    }

    func testNoModelAnywhereIsOneClearError() throws {
        let prefix = try installedPrefix(withModel: false)
        let result = try ChildProcess.run(
            prefix.appendingPathComponent("bin/maskfill"), ["fill", "I love <mask>."],
            in: try temporaryFolder(), environment: noOverride)
        XCTAssertEqual(result.status, 2, result.tail)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("no model found: pass --model DIR or set MASKFILL_MODEL"), result.tail)
        XCTAssertTrue(result.stderr.contains(prefix.appendingPathComponent("bin/Models/maskfill-mini").path), result.tail)
    }
}
