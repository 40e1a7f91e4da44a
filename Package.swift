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
        // The hot loops (int8/fp32 matrix products, elementwise ops), with run-time CPU dispatch.
        .target(name: "CKernels"),
        // safetensors, config.json, the BERT/RoBERTa encoder and MLM head, quantization.
        .target(name: "Inference", dependencies: ["JSON", "CKernels"]),
        // The fill-mask pipeline: masks in text, encoding, the model, top-k candidates.
        .target(name: "FillMask", dependencies: ["Tokenizers", "Inference"]),
        // The language server: JSON-RPC framing, LSP messages, documents, handlers.
        .target(name: "LanguageServer", dependencies: ["JSON", "FillMask", "Tokenizers", "Inference"]),
        .executableTarget(name: "maskfill", dependencies: ["JSON", "Tokenizers", "Inference", "FillMask", "LanguageServer"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["Inference", "CKernels", "JSON", "FillMask", "Tokenizers"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers", "JSON"],
            exclude: ["Fixtures"]
        ),
        // Shared by the tests that run the built `maskfill`: where it is, how to run a child process.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "JSON", "FillMask", "maskfill", "TestSupport"]),
        // Editor integrations driven for real: headless Neovim, the VS Code extension's checks.
        .testTarget(name: "EditorTests", dependencies: ["JSON", "maskfill", "TestSupport"]),
        // Runs the built `maskfill` binary as a user would.
        .testTarget(name: "MaskFillCLITests", dependencies: ["JSON", "maskfill", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
