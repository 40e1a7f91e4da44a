import FillMask
import Foundation
import JSON

extension LanguageServer {
    /// `initialize`: reads the client's capabilities and settings, answers what the server
    /// does, and starts loading the model in the background.
    func initialize(_ params: JSONValue, reply: PendingReply) throws(ResponseError) {
        guard params.objectValue != nil else { throw .invalidParams("initialize takes an InitializeParams object") }
        client = ClientCapabilities(json: params["capabilities"])
        encoding = PositionEncoding.negotiate(clientOffers: client.positionEncodings)
        workspaceRoot = Self.rootPath(params)
        var problems: [String] = []
        if let problem = ConfigurationParser.sectionProblem(in: params["initializationOptions"]) { problems.append(problem) }
        if let section = ConfigurationParser.section(from: params["initializationOptions"]) {
            (configuration, problems) = ConfigurationParser.apply(section, to: configuration)
        }
        lifecycle = .running
        reply.succeed([
            "capabilities": ServerCapabilities.json(encoding: encoding, client: client),
            "serverInfo": ["name": "maskfill", "version": .string(options.version)],
        ])
        log.enableClientMessages()
        for problem in problems { log.show(.warning, problem) }
        log.info("initialized (positions in \(encoding.rawValue))")
        loadModel()
    }

    /// `initialized`: a client that serves settings on request is asked for them.
    func initialized() {
        if client.configurationPull { pullConfiguration() }
    }

    /// The workspace folder, for relative model paths.
    static func rootPath(_ params: JSONValue) -> String? {
        let uri = params["rootUri"]?.stringValue ?? params["workspaceFolders"]?.arrayValue?.first?["uri"]?.stringValue
        if let uri, let url = URL(string: uri), url.isFileURL { return url.path }
        return params["rootPath"]?.stringValue
    }

    /// The folder to load: the `modelPath` setting (with `~` and paths relative to the workspace
    /// resolved), else the command line's or the default one.
    func modelPathToLoad() -> String? {
        guard let configured = configuration.modelPath else { return options.modelPath }
        var path = (configured as NSString).expandingTildeInPath
        if let url = URL(string: path), url.isFileURL { path = url.path }
        if !path.hasPrefix("/"), let root = workspaceRoot { path = URL(fileURLWithPath: root).appendingPathComponent(path).path }
        return path
    }

    /// Loads the model on the inference queue; requests that arrive meanwhile wait behind it.
    func loadModel() {
        guard let path = modelPathToLoad() else {
            let problem = options.modelProblem ?? "no model configured"
            if let current = engine.models.current {
                log.show(.warning, "maskfill: \(problem). Still using \(current.path).")
                return
            }
            engine.models.markUnavailable(problem)
            log.show(.error, "maskfill: \(problem). Set maskfill.modelPath to a model folder; until then there are no suggestions.")
            return
        }
        log.info("loading the model in \(path)")
        let started = ContinuousClock.now
        engine.load(path: path, precision: options.precision) { result in
            let elapsed = ContinuousClock.now - started
            self.loop.async { self.modelLoaded(result, path: path, after: elapsed) }
        }
    }

    private func modelLoaded(_ result: Result<LoadedModel, FillMaskError>, path: String, after elapsed: Duration) {
        switch result {
        case .success(let model):
            let config = model.pipeline.model.config
            log.info("model \(path) loaded in \(Self.milliseconds(elapsed)) ms (mask token \(model.pipeline.maskToken), up to \(config.maxTokens) tokens)")
            refreshInlayHints()
        case .failure(let error):
            if let current = engine.models.current {
                log.show(.error, "maskfill: cannot load the model in \(path): \(error.message). Still using \(current.path).")
            } else {
                log.show(.error, "maskfill: cannot load the model in \(path): \(error.message). There are no suggestions until maskfill.modelPath names a model folder (config.json, model.safetensors, tokenizer.json).")
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Asks the client to fetch inlay hints again (after a new model or new mask spellings).
    func refreshInlayHints() {
        guard client.inlayHints, client.inlayHintRefresh else { return }
        outgoing.send("workspace/inlayHint/refresh", params: .null) { _ in }
    }
}
