import DltafProtocol
import Foundation

/// Builds the environment and command a plugin is started with.
///
/// Plugins do not inherit dltaf's whole environment (credentials in it would leak to every plugin). They get
/// an allowlist, the descriptor's variables, variables the run grants them, and dltaf's protocol variables.
public enum PluginEnvironment {
    /// Variables passed through from dltaf's environment, plus every `LC_*`.
    public static let allowlist: Set<String> = ["PATH", "HOME", "LANG", "TZ", "TMPDIR", "USER", "TERM"]

    /// The PATH used when dltaf itself has none.
    public static let fallbackPath = "/usr/local/bin:/usr/bin:/bin"

    /// The environment for one plugin.
    ///
    /// - Parameters:
    ///   - parent: dltaf's own environment.
    ///   - plugin: the resolved plugin (its descriptor variables are added).
    ///   - runID: the run's id, exported as `DLTAF_RUN_ID`.
    ///   - granted: variables the run grants this plugin.
    ///   - inheritAll: pass dltaf's whole environment (an explicit opt-in).
    public static func build(
        parent: [String: String], plugin: ResolvedPlugin, runID: String, granted: [String: String] = [:],
        inheritAll: Bool = false
    ) -> [String: String] {
        var environment: [String: String] = [:]
        for (key, value) in parent where inheritAll || allowlist.contains(key) || key.hasPrefix("LC_") {
            environment[key] = value
        }
        if environment["PATH"] == nil { environment["PATH"] = fallbackPath }
        environment.merge(plugin.environment) { _, descriptor in descriptor }
        environment.merge(granted) { _, grant in grant }
        environment["DLTAF_PLUGIN"] = "1"
        environment["DLTAF_PROTOCOL_VERSIONS"] = DltafProtocol.supportedVersions.map(String.init).joined(separator: ",")
        environment["DLTAF_PLUGIN_SPEC"] = plugin.spec.description
        environment["DLTAF_PLUGIN_DIR"] = plugin.pluginDirectory
        environment["DLTAF_RUN_ID"] = runID
        return environment
    }

    /// The launch description of a plugin: its command resolved on the plugin's own PATH.
    ///
    /// - Throws: `ChildProcessError.launchFailed` when a bare command name is not on that PATH.
    public static func launch(
        for plugin: ResolvedPlugin, environment: [String: String], workingDirectory: String?
    ) throws(ChildProcessError) -> ProcessLaunch {
        var executable = plugin.executable
        if !executable.contains("/") {
            let path = environment["PATH"] ?? fallbackPath
            guard let found = findOnPath(executable, path: path) else {
                throw .launchFailed("command \"\(executable)\" (from \(plugin.location)) was not found on PATH=\(path)")
            }
            executable = found
        }
        return ProcessLaunch(
            executable: executable, arguments: plugin.arguments, environment: environment,
            workingDirectory: workingDirectory)
    }

    /// The first executable `name` in the absolute folders of `path`.
    public static func findOnPath(_ name: String, path: String) -> String? {
        for folder in path.split(separator: ":") where folder.hasPrefix("/") {
            let candidate = (String(folder) as NSString).appendingPathComponent(name)
            var status = stat()
            if stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
