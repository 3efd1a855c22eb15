import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// One canary secret in each place a secret comes from (a `${FILE:}` file, a sensitive environment variable
/// behind `${ENV:}`, a Vault secret behind `connections`), and plugins that echo everything they receive in
/// every way they can (logs, stderr, errors, check results, hook messages). Every command that loads a manifest
/// runs against it; the canaries must appear nowhere: stdout, stderr, or any file dltaf writes.
@Suite("secrets canary: no command shows a secret", .serialized)
struct CanaryTests {
    static let fileCanary = "fileCanary-\(UUID().uuidString.prefix(8))"
    static let envCanary = "envCanary-\(UUID().uuidString.prefix(8))"
    static let vaultCanary = "vaultCanary-\(UUID().uuidString.prefix(8))"

    /// A runner, a hook and a check that all echo the manifest's source, their config and their env.
    static let echoBody = """
        def everything(call):
            return json.dumps({"manifest": call.manifest, "env": getattr(call, "env", {}), "config": getattr(call, "config", {})})

        @plugin.validator("acme")
        def validate(call):
            return [{"severity": "warning", "message": "saw " + everything(call), "path": "/source/endpoint"}]

        @plugin.runner("acme")
        def run(call):
            text = everything(call)
            call.log("info", "runner saw " + text)
            sys.stderr.write("stderr " + text + "\\n")
            call.state({"seen": text})
            return {"status": "success", "message": "runner " + text, "warnings": [text], "payload": {"seen": text}}

        @plugin.hook("echo")
        def hook(call):
            call.log("warning", "hook saw " + everything(call))
            return {"ok": True, "message": everything(call)}

        @plugin.check("echo_check")
        def check(call):
            text = everything(call)
            return {"ok": False, "errors": ["cannot reach " + text], "warnings": [text], "details": {"seen": text}}

        @plugin.applies("echo_check")
        def applies(call):
            return {"applies": True, "reason": everything(call)}
        """

    static let manifest = """
        version: 1
        pipeline: {name: dlt__acme__to__test__raw, destination: test, dataset: raw}
        source:
          kind: acme
          endpoint: "${FILE:secrets/endpoint.txt}"
          region: "${ENV:ACME_API_TOKEN}"
        run:
          runners: {plugins: [acme.echo]}
          hooks: {enable: [echo], plugins: [acme.echo], config: {echo: {note: "${FILE:secrets/endpoint.txt}"}}}
          online_checks: {plugins: [acme.echo], disable: [postgres]}
        connections:
          destination: {kind: clickhouse, vault: "secret:app/ch"}

        """

    /// Every command that loads the manifest, in each of its output modes.
    static let commands: [[String]] = [
        ["exec", "m.yaml"],
        ["exec", "m.yaml", "--json", "--result-file", "out/result.json"],
        ["exec", "m.yaml", "--validate-only", "--json"],
        ["exec", "m.yaml", "--plan", "--plan-output", "out/plan.json"],
        ["exec", "m.yaml", "--plan", "--plan-output", "out/plan.yaml", "--explain-config"],
        ["exec", "m.yaml", "--dry-run", "--json"],
        ["exec", "m.yaml", "--dry-run-online", "--json", "--result-file", "out/dry.json"],
        ["exec", "m.yaml", "--dry-run-online", "--dry-run-strict"],
        ["manifest", "run", "--manifest", "m.yaml"],
        ["manifest", "show", "m.yaml"],
        ["manifest", "show", "m.yaml", "--format", "json"],
        ["manifest", "lint", "m.yaml", "--allow-filename-mismatch"],
        ["manifest", "lint", "m.yaml", "--json"],
        ["infra-checks", "list", "--manifest", "m.yaml"],
        ["infra-checks", "list", "--manifest", "m.yaml", "--format", "json", "--show-plugins"],
        ["infra-checks", "list", "--manifest", "m.yaml", "--format", "yaml"],
        ["infra-checks", "run", "--manifest", "m.yaml"],
        ["infra-checks", "run", "--manifest", "m.yaml", "--format", "json"],
        ["infra-checks", "run", "--manifest", "m.yaml", "--summary-only", "--strict"],
        ["plugins", "list", "--manifest", "m.yaml"],
        ["plugins", "describe", "acme.echo"],
        ["runs", "list"],
        ["state", "show", "--manifest", "m.yaml", "--json"],
        ["runs", "list", "--json", "--manifest", "m.yaml"],
    ]

    @Test("every command that loads a manifest keeps the canaries out of stdout, stderr and the files it writes")
    func canaries() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "acme.echo", body: Self.echoBody)
        try workspace.write("secrets/endpoint.txt", Self.fileCanary + "\n")
        try workspace.write("m.yaml", Self.manifest)
        try FileManager.default.createDirectory(atPath: workspace.path("out"), withIntermediateDirectories: true)
        try await OpenBaoServer.with { server in
            try await server.put(
                mount: "secret", path: "app/ch",
                ["host": "ch.internal", "username": "loader", "password": Self.vaultCanary])
            let environment = [
                "VAULT_ADDR": server.address, "VAULT_TOKEN": server.token, "ACME_API_TOKEN": Self.envCanary,
            ]
            var sawPlugins = false
            for command in Self.commands {
                let output = try await workspace.dltaf(command, environment: environment)
                // A command that failed before reaching the plugins would prove nothing.
                #expect(!output.stderr.contains("Usage:"), "\(command): \(output.stderr)")
                sawPlugins = sawPlugins || output.stderr.contains("runner saw") || output.stdout.contains("seen")
                for canary in [Self.fileCanary, Self.envCanary, Self.vaultCanary, server.token] {
                    #expect(!output.stdout.contains(canary), "\(command) printed a secret on stdout")
                    #expect(!output.stderr.contains(canary), "\(command) printed a secret on stderr")
                }
            }
            #expect(sawPlugins, "the echo plugins never ran")
            for file in try writtenFiles(in: workspace) {
                // Text files and the run audit's SQLite file alike (SQLite keeps text as UTF-8).
                let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
                for canary in [Self.fileCanary, Self.envCanary, Self.vaultCanary, server.token] {
                    #expect(!text.contains(canary), "\(file) holds a secret")
                }
            }
            // The files were written: the scan above had something to read.
            #expect(FileManager.default.fileExists(atPath: workspace.path("out/result.json")))
            #expect(FileManager.default.fileExists(atPath: workspace.path("out/plan.yaml")))
            #expect(FileManager.default.fileExists(atPath: workspace.path(".dltaf/runs.sqlite")))
        }
    }

    /// Every file in the workspace except the secret itself and the plugin's sources.
    private func writtenFiles(in workspace: Workspace) throws -> [String] {
        let root = workspace.path("")
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        for case let relative as String in walker {
            guard !relative.hasPrefix("secrets/"), !relative.hasPrefix("plugins/") else { continue }
            let full = (root as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(full)
            }
        }
        return files
    }
}
