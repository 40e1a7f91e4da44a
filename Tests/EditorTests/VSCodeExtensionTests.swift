import Foundation
import JSON
import XCTest

/// The VS Code extension (editors/vscode), checked with node and without network: its
/// JavaScript parses, and its unit tests (stub `vscode` and `vscode-languageclient` modules)
/// pass. vscode-languageclient itself is only installed when a user builds the .vsix.
final class VSCodeExtensionTests: XCTestCase {
    var extensionFolder: URL { EditorTestSupport.editors.appendingPathComponent("vscode") }

    func node() throws -> URL {
        try EditorTestSupport.tool("node", install: "apt-get install -y nodejs")
    }

    func testTheJavaScriptParses() throws {
        let node = try node()
        for file in ["src/extension.js", "test/extension.test.js"] {
            let outcome = try EditorTestSupport.run(node, ["--check", file], in: extensionFolder, timeout: 30)
            XCTAssertEqual(outcome.status, 0, "node --check \(file)\n\(outcome.tail)")
        }
    }

    func testTheExtensionUnitTestsPass() throws {
        let node = try node()
        let outcome = try EditorTestSupport.run(node, ["--test", "test/extension.test.js"], in: extensionFolder, timeout: 60)
        XCTAssertFalse(outcome.timedOut, "node --test took more than 60 s\n\(outcome.tail)")
        XCTAssertEqual(outcome.status, 0, "node --test test/extension.test.js\n\(outcome.tail)")
        XCTAssertTrue(outcome.stdout.contains("# fail 0"), outcome.tail)
        XCTAssertFalse(outcome.stdout.contains("# pass 0"), "no test ran\n\(outcome.tail)")
    }

    func testTheManifestIsCompleteForPackaging() throws {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: extensionFolder.appendingPathComponent("package.json").path))
        let manifest = try JSONValue.parse(data)
        for field in ["name", "displayName", "description", "version", "publisher", "main"] {
            XCTAssertNotNil(manifest[field]?.stringValue, "package.json needs \(field) for vsce")
        }
        XCTAssertNotNil(manifest["engines"]?["vscode"]?.stringValue)
        let main = try XCTUnwrap(manifest["main"]?.stringValue)
        XCTAssertTrue(FileManager.default.fileExists(atPath: extensionFolder.appendingPathComponent(main).path), main)
        for file in ["README.md", ".vscodeignore"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: extensionFolder.appendingPathComponent(file).path), file)
        }
    }
}
