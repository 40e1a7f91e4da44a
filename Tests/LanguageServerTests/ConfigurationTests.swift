import JSON
@testable import LanguageServer
import XCTest

private func object(_ value: JSONValue) -> JSONObject { value.objectValue ?? JSONObject() }

/// Settings: where they are found, what is accepted, and that a bad value keeps the last good one.
final class ConfigurationTests: XCTestCase {
    func testSectionIsFoundNestedOrBare() {
        XCTAssertEqual(ConfigurationParser.section(from: ["maskfill": ["topK": 3]])?["topK"], 3)
        XCTAssertEqual(ConfigurationParser.section(from: ["topK": 3, "other": 1])?["topK"], 3)
        XCTAssertNil(ConfigurationParser.section(from: ["editor": ["fontSize": 12]]))
        XCTAssertNil(ConfigurationParser.section(from: .null))
        XCTAssertNil(ConfigurationParser.section(from: ["maskfill": .null]))
    }

    func testASectionThatIsNotAnObjectIsReported() {
        for bad: JSONValue in ["oops", [1, 2], 3] {
            let problem = ConfigurationParser.sectionProblem(in: ["maskfill": bad])
            XCTAssertTrue(problem?.contains("maskfill settings must be an object") ?? false, "\(bad.serialized()): \(problem ?? "nil")")
        }
        for fine: JSONValue in [["maskfill": ["topK": 3]], ["maskfill": .null], ["topK": 3], .null] {
            XCTAssertNil(ConfigurationParser.sectionProblem(in: fine), fine.serialized())
        }
    }

    func testAKeyThatDiffersFromASettingOnlyInCaseIsReported() {
        let (configuration, problems) = ConfigurationParser.apply(object(["topk": 3, "ModelPath": "/m", "path": "/bin/maskfill", "trace": "off"]), to: ServerConfiguration())
        XCTAssertEqual(configuration, ServerConfiguration())
        XCTAssertEqual(problems.sorted(), [
            "maskfill.ModelPath is not a setting: did you mean maskfill.modelPath?",
            "maskfill.topk is not a setting: did you mean maskfill.topK?",
        ])
    }

    func testGoodValuesApply() {
        let section: JSONValue = ["modelPath": "/models/m", "topK": 7, "maskTokens": ["<mask>", "___"], "contextTokens": 256, "trace": ["server": "off"]]
        let (configuration, problems) = ConfigurationParser.apply(section.objectValue!, to: ServerConfiguration())
        XCTAssertEqual(problems, [])
        XCTAssertEqual(configuration.modelPath, "/models/m")
        XCTAssertEqual(configuration.topK, 7)
        XCTAssertEqual(configuration.maskTokens, ["<mask>", "___"])
        XCTAssertEqual(configuration.contextTokens, 256)
        let (reset, _) = ConfigurationParser.apply(object(["modelPath": .null, "maskTokens": .null]), to: configuration)
        XCTAssertNil(reset.modelPath)
        XCTAssertNil(reset.maskTokens)
        XCTAssertEqual(reset.topK, 7, "settings not mentioned keep their value")
    }

    func testBadValuesAreReportedAndKeepTheLastGoodOnes() {
        var current = ServerConfiguration()
        current.topK = 4
        let section: JSONValue = ["topK": "ten", "modelPath": 5, "maskTokens": ["ok", "has space"], "contextTokens": 2, "unknown": true]
        let (configuration, problems) = ConfigurationParser.apply(section.objectValue!, to: current)
        XCTAssertEqual(configuration, current)
        XCTAssertEqual(problems.count, 4, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("maskfill.topK") && $0.contains("\"ten\"") && $0.contains("keeping 4") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("maskfill.modelPath") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("maskfill.maskTokens") && $0.contains("has space") }, "\(problems)")
        for bad: JSONValue in [0, 51, 2.5, [], .null] {
            let (_, problems) = ConfigurationParser.apply(object(["topK": bad]), to: current)
            XCTAssertEqual(problems.count, 1, "\(bad.serialized())")
        }
        for bad: JSONValue in [[], "<mask>", [""], [1]] {
            let (_, problems) = ConfigurationParser.apply(object(["maskTokens": bad]), to: current)
            XCTAssertEqual(problems.count, 1, "\(bad.serialized())")
        }
    }

    func testGoodValuesApplyBesideBadOnes() {
        let (configuration, problems) = ConfigurationParser.apply(object(["topK": 2, "contextTokens": "big"]), to: ServerConfiguration())
        XCTAssertEqual(configuration.topK, 2)
        XCTAssertEqual(configuration.contextTokens, ServerConfiguration().contextTokens)
        XCTAssertEqual(problems.count, 1)
    }
}
