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
        var folder = executablePath().resolvingSymlinksInPath().deletingLastPathComponent()
        var paths: [String] = []
        for _ in 0..<5 {
            paths.append(folder.appendingPathComponent("Models/\(defaultModelName)").path)
            paths.append(folder.appendingPathComponent("share/maskfill/\(defaultModelName)").path)
            folder = folder.deletingLastPathComponent()
        }
        return paths
    }

    /// The running executable. Not argv[0]: a shell or an editor that finds `maskfill` on PATH
    /// passes just "maskfill", which would be read relative to the working directory.
    static func executablePath() -> URL {
        if let url = Bundle.main.executableURL { return url }
        let invoked = CommandLine.arguments.first ?? "maskfill"
        if invoked.contains("/") { return URL(fileURLWithPath: invoked) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(invoked)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: invoked)
    }
}

struct ModelLookupError: Error, CustomStringConvertible {
    var searched: [String]

    var description: String {
        "no model found: pass --model DIR or set MASKFILL_MODEL (looked for the default model in \(searched.prefix(3).joined(separator: ", ")) …)"
    }
}
