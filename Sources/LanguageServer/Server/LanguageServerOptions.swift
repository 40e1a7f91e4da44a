import Inference

/// How `maskfill lsp` was started.
public struct LanguageServerOptions: Sendable {
    /// The model from the command line or the default location; settings may name another.
    public var modelPath: String?
    /// Why there is no `modelPath` (no default model found), to tell the user.
    public var modelProblem: String?
    public var precision: Precision
    /// The version the server reports in `serverInfo`.
    public var version: String
    /// Debug lines (timings per request) on stderr.
    public var verbose: Bool
    /// Log lines on stderr (off for servers run in process by tests and the benchmark).
    public var logsToStandardError: Bool

    public init(
        modelPath: String?, modelProblem: String? = nil, precision: Precision = .int8, version: String,
        verbose: Bool = false, logsToStandardError: Bool = true
    ) {
        self.modelPath = modelPath
        self.modelProblem = modelProblem
        self.precision = precision
        self.version = version
        self.verbose = verbose
        self.logsToStandardError = logsToStandardError
    }
}
