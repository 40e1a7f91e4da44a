import Foundation
import JSON
import XCTest

/// One run of a script in editors/nvim/tests (e2e.lua, lsp_enable.lua) in a headless Neovim
/// with the built `maskfill lsp` and the tiny random BERT. The script drives the editor (types
/// in insert mode, <C-x><C-o>, <C-y>, hover, :MaskFillAll, :checkhealth) and records what
/// Neovim shows; the tests judge the record.
struct NeovimSession {
    var results: JSONValue
    var outcome: EditorTestSupport.Outcome
    /// Why the session stopped early (a step failed or timed out), if it did.
    var problem: String?

    /// What the session recorded under `key`; a test failure that says why when it is absent.
    func record(_ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        try XCTUnwrap(results[key], "Neovim recorded no \"\(key)\": \(problem ?? "the script did not write it")", file: file, line: line)
    }

    /// The position encoding the client and server agreed on (Neovim 0.7 offers only UTF-16;
    /// current releases offer UTF-8 first).
    var encoding: PositionEncoding {
        PositionEncoding(rawValue: results["client"]?["offset_encoding"]?.stringValue ?? "") ?? .utf16
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How the script starts: `bare` is `nvim -u NONE` (no plugin/ file sourced; the script puts
    /// the plugin on 'runtimepath'); `withPlugin` is `nvim --clean` with the plugin on
    /// 'runtimepath' from the start, so plugin/maskfill.lua is sourced as in a user's Neovim.
    enum Start: String {
        case bare, withPlugin
    }

    /// One session per Neovim and script serves every test that asks for it (about a second).
    nonisolated(unsafe) private static var cache: [String: Result<NeovimSession, any Error>] = [:]

    static func of(_ nvim: URL, script: String = "e2e.lua", start: Start = .bare) throws -> NeovimSession {
        let key = "\(nvim.path) \(script) \(start)"
        if let cached = cache[key] { return try cached.get() }
        let result = Result { try run(nvim, script: script, start: start) }
        cache[key] = result
        return try result.get()
    }

    private static func run(_ nvim: URL, script name: String, start: Start) throws -> NeovimSession {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maskfill-nvim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = folder.appendingPathComponent("results.json")
        let script = EditorTestSupport.editors.appendingPathComponent("nvim/tests/\(name)")
        let maskfill = EditorTestSupport.maskfill
        guard FileManager.default.isExecutableFile(atPath: maskfill.path) else {
            throw Failure(description: "the maskfill executable is not at \(maskfill.path)")
        }
        var environment = [
            "MASKFILL_BIN": maskfill.path,
            "MASKFILL_TEST_MODEL": EditorTestSupport.tinyBERT,
            "MASKFILL_TEST_DIR": folder.path,
            "MASKFILL_TEST_OUT": results.path,
        ]
        environment.merge(isolatedHome(in: folder)) { $1 }
        let plugin = EditorTestSupport.editors.appendingPathComponent("nvim").path
        let startup = start == .bare ? ["-u", "NONE", "-i", "NONE"] : ["--clean", "--cmd", "set runtimepath^=\(plugin)"]
        let outcome = try EditorTestSupport.run(
            nvim, ["--headless"] + startup + ["-n", "-c", "luafile \(script.path)"],
            in: EditorTestSupport.repositoryRoot, environment: environment, timeout: 60)
        guard let data = FileManager.default.contents(atPath: results.path) else {
            throw Failure(description: "Neovim wrote no results (exit \(outcome.status)\(outcome.timedOut ? ", killed after 60 s" : ""))\n\(outcome.tail)")
        }
        let json = try JSONValue.parse(data)
        var problem = json["error"]?.stringValue
        if problem == nil, outcome.status != 0 || outcome.timedOut {
            problem = "Neovim exited with \(outcome.status)\(outcome.timedOut ? " (killed after 60 s)" : "")"
        }
        return NeovimSession(results: json, outcome: outcome, problem: problem.map { "\($0)\n\(outcome.tail)" })
    }

    /// Keeps Neovim's config, logs, shada and state out of the user's folders.
    static func isolatedHome(in folder: URL) -> [String: String] {
        var environment: [String: String] = [:]
        for variable in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
            environment[variable] = folder.appendingPathComponent(variable.lowercased()).path
        }
        return environment
    }
}

/// LSP position units: how far into a line a `character` offset reaches.
enum PositionEncoding: String {
    case utf8 = "utf-8", utf16 = "utf-16", utf32 = "utf-32"

    func count(_ text: String) -> Int {
        switch self {
        case .utf8: text.utf8.count
        case .utf16: text.utf16.count
        case .utf32: text.unicodeScalars.count
        }
    }

    /// `text` up to `offset` units.
    func prefix(_ text: String, _ offset: Int) -> String {
        switch self {
        case .utf8: String(decoding: text.utf8.prefix(offset), as: UTF8.self)
        case .utf16: String(decoding: Array(text.utf16.prefix(offset)), as: UTF16.self)
        case .utf32: String(String.UnicodeScalarView(text.unicodeScalars.prefix(offset)))
        }
    }

    /// `text` from `offset` units on.
    func suffix(_ text: String, from offset: Int) -> String {
        switch self {
        case .utf8: String(decoding: text.utf8.dropFirst(offset), as: UTF8.self)
        case .utf16: String(decoding: Array(text.utf16.dropFirst(offset)), as: UTF16.self)
        case .utf32: String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(offset)))
        }
    }
}
