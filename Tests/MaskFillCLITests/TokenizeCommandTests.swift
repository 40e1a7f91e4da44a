import Foundation
import JSON
import XCTest

final class MainCommandTests: XCTestCase {
    func testVersionAndHelp() throws {
        let version = try MaskfillProcess.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("maskfill "), version.stdout)
        let help = try MaskfillProcess.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("tokenize"), help.stdout)
    }

    func testUnknownCommandIsAUsageError() throws {
        let result = try MaskfillProcess.run(["frobnicate"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown command"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}

final class TokenizeCommandTests: XCTestCase {
    func encodeJSON(_ arguments: [String]) throws -> JSONValue {
        let result = try MaskfillProcess.run(["tokenize", "--tokenizer", Fixtures.bertUncased, "--json"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONValue.parse(result.stdout.trimmingCharacters(in: .newlines))
    }

    func testJSONOutputMatchesPythonTokenizers() throws {
        // Expected values: Python tokenizers 0.23.3 on the same tokenizer.json (bert-uncased-cases.json).
        let value = try encodeJSON(["He is not feeling [MASK]."])
        XCTAssertEqual(value["ids"], [101, 2002, 2003, 2025, 3110, 103, 1012, 102])
        XCTAssertEqual(value["tokens"], ["[CLS]", "he", "is", "not", "feeling", "[MASK]", ".", "[SEP]"])
        XCTAssertEqual(value["offsets"], [[0, 0], [0, 2], [3, 5], [6, 9], [10, 17], [18, 24], [24, 25], [0, 0]])
        XCTAssertEqual(value.objectValue?.members.map(\.key), ["ids", "tokens", "offsets"])
    }

    func testDoubleDashEndsOptionsAndEmptyTextIsValid() throws {
        // Expected values from Python tokenizers on the same tokenizer.json.
        let dashed = try encodeJSON(["--", "--json"])
        XCTAssertEqual(dashed["tokens"], ["[CLS]", "-", "-", "j", "##son", "[SEP]"])
        let empty = try encodeJSON([""])
        XCTAssertEqual(empty["ids"], [101, 102])
    }

    func testModelFolderReadsItsTokenizer() throws {
        let folder = (Fixtures.bertUncased as NSString).deletingLastPathComponent
        let result = try MaskfillProcess.run(["tokenize", "--model", folder, "--json", "hello"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try JSONValue.parse(result.stdout)["ids"], [101, 7592, 102])
    }

    func testStdinEncodesOneJSONStringPerLine() throws {
        let input = "\"hello\"\n\"\"\nnot json\n\"caf\\u00e9 [MASK]\"\n"
        let result = try MaskfillProcess.run(["tokenize", "--tokenizer", Fixtures.bertUncased, "--stdin"], stdin: input)
        XCTAssertEqual(result.status, 2, "a bad line makes the exit status 2")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 4, result.stdout)
        let values = try lines.map { try JSONValue.parse(String($0)) }
        XCTAssertEqual(values[0]["ids"], [101, 7592, 102])
        XCTAssertEqual(values[1]["ids"], [101, 102])
        XCTAssertNotNil(values[2]["error"]?.stringValue)
        XCTAssertEqual(values[3]["tokens"], ["[CLS]", "cafe", "[MASK]", "[SEP]"])
        XCTAssertTrue(result.stderr.contains("line 3"), result.stderr)
    }

    func testUnloadableTokenizerIsOneLineAndExitCode2() throws {
        let missing = try MaskfillProcess.run(["tokenize", "--tokenizer", "/nonexistent/tokenizer.json", "hi"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/tokenizer.json"), missing.stderr)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-unknown-\(UUID()).json")
        try Data(#"{"model": {"type": "Unigram", "vocab": []}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let unknown = try MaskfillProcess.run(["tokenize", "--tokenizer", file.path, "hi"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains(#"unsupported model type "Unigram""#), unknown.stderr)
        XCTAssertEqual(unknown.stdout, "")
    }

    func testUsageErrors() throws {
        let noTokenizer = try MaskfillProcess.run(["tokenize", "hi"])
        XCTAssertEqual(noTokenizer.status, 2)
        let unknownOption = try MaskfillProcess.run(["tokenize", "--tokenizer", Fixtures.bertUncased, "--frob", "hi"])
        XCTAssertEqual(unknownOption.status, 2)
        XCTAssertTrue(unknownOption.stderr.contains("--frob"), unknownOption.stderr)
        let twoTexts = try MaskfillProcess.run(["tokenize", "--tokenizer", Fixtures.bertUncased, "a", "b"])
        XCTAssertEqual(twoTexts.status, 2)
    }

    func testHumanReadableTableShowsTheCoveredText() throws {
        let result = try MaskfillProcess.run(["tokenize", "--tokenizer", Fixtures.bertUncased, "Héllo"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("7592\t\"hello\"\t0..5\t\"Héllo\""), result.stdout)
    }
}
