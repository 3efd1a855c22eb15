import DltafJSON
import Foundation

/// A temporary folder for one test: manifests, plugins and their outputs. Removed by `remove()`.
public final class Workspace: Sendable {
    /// The folder.
    public let root: String

    /// Creates a fresh, private folder.
    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        root = base.path
    }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The absolute path of `relative` inside the workspace.
    public func path(_ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// Writes a file, creating folders; returns its absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target) }
        return target
    }

    /// Reads a file written by a plugin, or "" if it does not exist.
    public func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path(relative), encoding: .utf8)) ?? ""
    }

    /// Writes a Python plugin using the SDK as a descriptor folder, so that `spec` resolves under `pluginRoot`.
    ///
    /// `body` is Python code after `plugin = Plugin(name=..., version=...)`; it registers handlers.
    public func pythonPlugin(
        spec: String, name: String? = nil, pluginRoot: String = "plugins", body: String, heartbeats: Bool = true
    ) throws {
        let folder = pluginRoot + "/" + spec.split(separator: ".").joined(separator: "/")
        let descriptor: JSONValue = [
            "dltaf_plugin": 1,
            "command": ["python3", "${PLUGIN_DIR}/main.py"],
            "env": ["PYTHONPATH": .string(TestPaths.pythonSDK)],
        ]
        try write(folder + "/dltaf-plugin.json", descriptor.jsonText)
        let source = """
            import json, os, sys, time
            from dltaf_plugin import Plugin, PluginError

            plugin = Plugin(name=\(JSONValue.string(name ?? spec).jsonText), version="9.9.9"\(heartbeats ? "" : ", heartbeat_seconds=None"))

            \(body)

            if __name__ == "__main__":
                plugin.serve()

            """
        try write(folder + "/main.py", source)
    }

    /// The environment for running dltaf in this workspace: PATH with the built products, plugin path set.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment: [String: String] = [
            "PATH": TestPaths.binDirectory.path + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": root,
            "DLTAF_PLUGIN_PATH": path("plugins"),
        ]
        if let pythonPath = ProcessInfo.processInfo.environment["PATH"] {
            // Keep the interpreter the developer uses (pyenv shims live on PATH).
            environment["PATH"] = TestPaths.binDirectory.path + ":" + pythonPath
        }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `dltaf` with `arguments` in this workspace.
    public func dltaf(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60)
        async throws -> ProcessOutput
    {
        try await runProcess(
            TestPaths.dltaf, arguments, environment: environment(extra), directory: root, timeout: timeout)
    }
}

extension ProcessOutput {
    /// stdout parsed as JSON (for `--json` commands).
    public func json() throws -> JSONValue {
        try JSONParser.parse(stdout)
    }
}
