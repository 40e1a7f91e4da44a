import Foundation

/// The products SwiftPM built beside the running tests.
public enum BuiltProducts {
    /// The `maskfill` executable ($MASKFILL_BIN overrides). The tests run from the build products
    /// folder (an .xctest bundle on macOS, an executable on Linux), and `maskfill` is built there.
    public static var maskfill: URL {
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
}
