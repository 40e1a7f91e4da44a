// swift-tools-version:6.0
import PackageDescription

// MaskFill: a fill-mask language server. No package dependencies: the toolchain only.
let package = Package(
    name: "MaskFill",
    products: [
        .executable(name: "maskfill", targets: ["maskfill"]),
    ],
    targets: [
        // A small, strict JSON reader/writer shared by tokenizer loading, model config and JSON-RPC.
        .target(name: "JSON"),
        // tokenizer.json loading and encoding, id for id with Hugging Face `tokenizers`.
        .target(name: "Tokenizers", dependencies: ["JSON"]),
        .executableTarget(name: "maskfill", dependencies: ["JSON", "Tokenizers"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers", "JSON"],
            exclude: ["Fixtures"]
        ),
        // Runs the built `maskfill` binary as a user would.
        .testTarget(name: "MaskFillCLITests", dependencies: ["JSON", "maskfill"]),
    ],
    swiftLanguageModes: [.v6]
)
