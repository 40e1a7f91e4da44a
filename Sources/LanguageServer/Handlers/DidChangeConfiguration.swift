import JSON

extension LanguageServer {
    /// `workspace/didChangeConfiguration`: settings pushed with the notification, or (when it
    /// carries none, as pull-model clients send it) asked for with `workspace/configuration`.
    func didChangeConfiguration(_ params: JSONValue) {
        if let problem = ConfigurationParser.sectionProblem(in: params["settings"]) {
            log.show(.warning, problem)
        } else if let section = ConfigurationParser.section(from: params["settings"]) {
            applySettings(section)
        } else if client.configurationPull {
            pullConfiguration()
        }
    }

    func pullConfiguration() {
        outgoing.send("workspace/configuration", params: ["items": [["section": "maskfill"]]]) { result in
            // Outgoing-request handlers run on the loop (responses are handled there).
            guard case .success(let value) = result, let section = value.arrayValue?.first?.objectValue else { return }
            self.applySettings(section)
        }
    }

    /// Applies good values, reports bad ones (keeping what was there), reloads the model when
    /// its path changed.
    func applySettings(_ section: JSONObject) {
        let (updated, problems) = ConfigurationParser.apply(section, to: configuration)
        for problem in problems { log.show(.warning, problem) }
        let previous = configuration
        configuration = updated
        if updated.modelPath != previous.modelPath {
            loadModel()  // refreshes inlay hints once loaded
        } else if updated != previous {
            refreshInlayHints()
        }
    }
}
