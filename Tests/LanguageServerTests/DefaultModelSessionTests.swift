import Foundation
import JSON
import XCTest

/// `maskfill lsp` with no model flag finds the default model shipped in Models/ and offers
/// real words for a mask.
final class DefaultModelSessionTests: XCTestCase {
    func testDefaultModelAnswersWithWords() throws {
        let server = try LanguageServerProcess(arguments: ["lsp"])
        _ = try server.result("initialize", ["processId": .int(Int64(getpid())), "capabilities": EndToEndTests.editorCapabilities])
        server.notify("initialized", [:])
        let uri = "file:///notes/default.md"
        let text = "I have watched this <mask> and it was awesome.\n"
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "markdown", "version": 1, "text": .string(text)]])
        let list = try server.result("textDocument/completion", ["textDocument": ["uri": .string(uri)], "position": ["line": 0, "character": 26]])
        let labels = try XCTUnwrap(list["items"]?.arrayValue).compactMap { $0["label"]?.stringValue }
        XCTAssertEqual(labels.count, 5, "\(list)")
        XCTAssertTrue(labels.contains { $0.unicodeScalars.allSatisfy { $0.properties.isAlphabetic } }, "real words: \(labels)")

        // Here the model's first guesses are punctuation ("\"", "-", "."): words (and numbers) are still offered.
        let quoteURI = "file:///notes/quote.md"
        server.notify("textDocument/didOpen", ["textDocument": ["uri": .string(quoteURI), "languageId": "markdown", "version": 1, "text": "He said: <mask>"]])
        let quoteList = try server.result("textDocument/completion", ["textDocument": ["uri": .string(quoteURI)], "position": ["line": 0, "character": 15]])
        let quoteLabels = try XCTUnwrap(quoteList["items"]?.arrayValue).compactMap { $0["label"]?.stringValue }
        XCTAssertEqual(quoteLabels.count, 5, "\(quoteList)")
        XCTAssertTrue(quoteLabels.allSatisfy { $0.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }, "words or numbers: \(quoteLabels)")
        XCTAssertEqual(try server.result("shutdown", .null), .null)
        server.notify("exit", .null)
        XCTAssertEqual(server.waitForExit(), 0)
    }
}
