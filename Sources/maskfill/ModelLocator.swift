import Foundation

/// Where commands find a model when `--model` is not given: `$MASKFILL_MODEL`, then the
/// default model shipped in `Models/` — looked for beside the executable and in the folders
/// above it (a build in `.build/release/` finds the clone's `Models/`), then
/// `<prefix>/share/maskfill/` for an installed binary.
enum ModelLocator {
    static let defaultModelName = "maskfill-mini"

    static func resolve(_ explicit: String?) -> Result<String, ModelLookupError> {
        if let explicit { return .success(explicit) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["MASKFILL_MODEL"], !fromEnvironment.isEmpty {
            return .success(fromEnvironment)
        }
        let candidates = searchPaths()
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/config.json") {
            return .success(candidate)
        }
        return .failure(ModelLookupError(searched: candidates))
    }

    static func searchPaths() -> [String] {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "maskfill").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        var paths: [String] = []
        for _ in 0..<5 {
            paths.append(folder.appendingPathComponent("Models/\(defaultModelName)").path)
            paths.append(folder.appendingPathComponent("share/maskfill/\(defaultModelName)").path)
            folder = folder.deletingLastPathComponent()
        }
        return paths
    }
}

struct ModelLookupError: Error, CustomStringConvertible {
    var searched: [String]

    var description: String {
        "no model found: pass --model DIR or set MASKFILL_MODEL (looked for the default model in \(searched.prefix(3).joined(separator: ", ")) …)"
    }
}
