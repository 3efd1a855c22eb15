import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("plugin environment, per-plugin settings and the lock file")
struct SettingsAndLockTests {
    /// A runner that reports the environment variables it sees in its result payload.
    static let envRunner = """
        @plugin.runner("acme")
        def run(call):
            return {"status": "success", "payload": {"env": sorted(os.environ.keys()), "granted": os.environ.get("ACME_REGION")}}
        """

    @Test("plugins get an allowlist of dltaf's environment plus what the manifest grants them")
    func environmentAllowlist() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "acme.runner", body: Self.envRunner)
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(run: "plugin_settings:\n  \"acme.runner\": {env: {ACME_REGION: eu-west}}"))
        let output = try await workspace.dltaf(
            ["exec", "m.yaml", "--json"], environment: ["SECRET_TOKEN": "do-not-pass", "LC_ALL": "C", "TZ": "UTC"])
        #expect(output.status == 0, "\(output.stderr)")
        let payload = try output.json()["runner"]?["outcome"]?["payload"]
        let names = payload?["env"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(!names.contains("SECRET_TOKEN"))
        #expect(names.contains("LC_ALL") && names.contains("TZ") && names.contains("PATH"))
        for protocolVariable in ["DLTAF_PLUGIN", "DLTAF_PLUGIN_SPEC", "DLTAF_RUN_ID", "DLTAF_PLUGIN_DIR"] {
            #expect(names.contains(protocolVariable))
        }
        #expect(payload?["granted"] == "eu-west")
        // inherit_env opts in to the whole environment, set per plugin from the command line.
        let inherited = try await workspace.dltaf(
            ["exec", "m.yaml", "--json", "--set", #"run.plugin_settings["acme.runner"].inherit_env=true"#],
            environment: ["SECRET_TOKEN": "do-not-pass"])
        #expect(inherited.status == 0, "\(inherited.stderr)")
        let all = try inherited.json()["runner"]?["outcome"]?["payload"]?["env"]?.arrayValue?.compactMap(\.stringValue)
        #expect(all?.contains("SECRET_TOKEN") == true)
    }

    @Test("an unknown plugin setting is a located error with a suggestion")
    func unknownSetting() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml", Fixtures.manifest(run: "plugin_settings:\n  acme.runner: {idle_timout_seconds: 5}"))
        let output = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(output.status == 2)
        #expect(
            output.stderr.contains(
                "unknown plugin setting \"idle_timout_seconds\" (did you mean \"idle_timeout_seconds\"?)"))
        #expect(output.stderr.contains("m.yaml:13:"))
    }

    @Test("a per-plugin idle timeout applies to that plugin only")
    func perPluginIdleTimeout() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: "@plugin.runner(\"acme\")\ndef run(call):\n    time.sleep(30)\n    return {\"status\": \"success\"}",
            heartbeats: false)
        try workspace.write(
            "m.yaml", Fixtures.manifest(run: "plugin_settings:\n  acme.runner: {idle_timeout_seconds: 0.5}"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 1)
        let error = try output.json()["error"]
        #expect(error?["category"] == "TIMEOUT")
        #expect(
            error?["message"]?.stringValue?.contains("sent nothing for 500ms during runner/run (idle timeout)") == true)
        #expect(output.seconds < 15)  // Liveness: the runner's 30 s sleep was cut short.
    }

    @Test("--locked runs locked plugins and refuses a changed one until it is locked again")
    func lock() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest())
        let missing = try await workspace.dltaf(["exec", "m.yaml", "--locked"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no lock file at"))
        let locked = try await workspace.dltaf(["plugins", "lock", "--manifest", "m.yaml"])
        #expect(locked.status == 0, "\(locked.stderr)")
        #expect(locked.stdout.contains("locked 1 plugin(s)"))
        let lockFile = try JSONParser.parse(workspace.read("dltaf-plugins.lock"))
        let files = lockFile["plugins"]?["acme.runner"]?["files"]?.objectValue?.keys ?? []
        #expect(
            Set(files) == [
                workspace.path("plugins/acme/runner/dltaf-plugin.json"), workspace.path("plugins/acme/runner/main.py"),
            ])
        #expect(try await workspace.dltaf(["exec", "m.yaml", "--locked"]).status == 0)
        try workspace.write(
            "plugins/acme/runner/main.py", workspace.read("plugins/acme/runner/main.py") + "\n# changed\n")
        let changed = try await workspace.dltaf(["exec", "m.yaml", "--locked", "--json"])
        #expect(changed.status == 2)
        let message = try changed.json()["error"]?["message"]?.stringValue ?? ""
        #expect(
            message.contains(
                "plugin acme.runner changed since it was locked: \(workspace.path("plugins/acme/runner/main.py"))"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 0)
    }
}
