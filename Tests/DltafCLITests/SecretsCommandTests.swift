import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// `connections` resolved through a real OpenBao server, end to end through the `dltaf` executable.
@Suite("dltaf exec with Vault secrets: runner env, --explain-config, --plan, --dry-run", .serialized)
struct SecretsCommandTests {
    static let chPassword = "ch-Pa55-\(UUID().uuidString.prefix(8))"
    static let pgPassword = "pg-Pa55-\(UUID().uuidString.prefix(8))"
    static let saslPassword = "sasl-Pa55-\(UUID().uuidString.prefix(8))"

    /// A runner for kind `acme` that writes what it received to `env.json` (a test may read secrets from its
    /// own workspace) and, misbehaving, logs its password; a hook that records its own environment.
    static let pluginsBody = """
        @plugin.validator("acme")
        def validate(call):
            return []

        @plugin.runner("acme")
        def run(call):
            seen = {
                "env": call.env,
                "environ": {k: v for k, v in os.environ.items() if "__" in k},
            }
            with open(os.path.join(call.context["manifest_dir"], "env.json"), "w") as out:
                json.dump(seen, out)
            call.log("info", "connecting with password " + call.env.get("DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD", ""))
            return {"status": "success", "message": "ok"}

        @plugin.hook("spy")
        def spy(call):
            with open(os.path.join(call.context["manifest_dir"], "hook-env.json"), "w") as out:
                json.dump(sorted(k for k in os.environ if "__" in k), out)
        """

    static func manifest(connections: String) -> String {
        """
        version: 1
        pipeline: {name: dlt__acme__to__clickhouse__raw, destination: clickhouse, dataset: raw}
        source: {kind: acme}
        run:
          runners: {plugins: [acme.secrets]}
          hooks: {enable: [spy], plugins: [acme.secrets]}
          # The resolved postgres credentials would select the built-in postgres check; pg.internal does not exist.
          online_checks: {disable: [postgres]}
        connections:
        \(connections.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        """
    }

    static let connections = """
        destination: {kind: clickhouse, vault: "secret:app/ch"}
        source: {kind: postgres, vault: {mount_point: kv1, path: app/pg, kv_version: 1}}
        """

    /// A workspace with the plugin and a server holding the secrets; runs `body`, then stops the server.
    func withSetup(_ body: (Workspace, OpenBaoServer, [String: String]) async throws -> Void) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "acme.secrets", body: Self.pluginsBody)
        try await OpenBaoServer.with { server in
            try await server.enableKV1(at: "kv1")
            try await server.put(
                mount: "secret", path: "app/ch",
                ["host": "ch.internal", "database": "raw", "username": "loader", "password": Self.chPassword])
            try await server.put(
                mount: "kv1", path: "app/pg",
                ["drivername": "postgresql", "host": "pg.internal", "user": "etl", "password": Self.pgPassword])
            try await server.put(mount: "secret", path: "app/kafka", ["user": "svc", "password": Self.saslPassword])
            try await body(workspace, server, ["VAULT_ADDR": server.address, "VAULT_TOKEN": server.token])
        }
    }

    func expectNoSecrets(
        _ output: ProcessOutput, _ server: OpenBaoServer, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for secret in [Self.chPassword, Self.pgPassword, Self.saslPassword, server.token] {
            #expect(!output.stdout.contains(secret), "secret on stdout", sourceLocation: sourceLocation)
            #expect(!output.stderr.contains(secret), "secret on stderr", sourceLocation: sourceLocation)
        }
    }

    @Test("the runner alone receives the variables; --explain-config shows keys and sources, never values")
    func runnerReceivesEnvironment() async throws {
        try await withSetup { workspace, server, vault in
            try workspace.write("m.yaml", Self.manifest(connections: Self.connections))
            let output = try await workspace.dltaf(
                ["exec", "m.yaml", "--json", "--explain-config"], environment: vault)
            #expect(output.status == 0, "\(output.stderr)")
            expectNoSecrets(output, server)
            let seen = try JSONParser.parse(workspace.read("env.json"))
            let expectedKeys: Set = [
                "DESTINATION__CLICKHOUSE__CREDENTIALS__HOST", "DESTINATION__CLICKHOUSE__CREDENTIALS__PORT",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__HTTP_PORT", "DESTINATION__CLICKHOUSE__CREDENTIALS__SECURE",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE", "DESTINATION__CLICKHOUSE__CREDENTIALS__USERNAME",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD", "DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR",
                "SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME", "SOURCES__SQL_DATABASE__CREDENTIALS__HOST",
                "SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME", "SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD",
            ]
            #expect(Set(seen["env"]?.objectValue?.keys ?? []) == expectedKeys)
            #expect(Set(seen["environ"]?.objectValue?.keys ?? []) == expectedKeys)
            #expect(seen["env"]?["DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD"] == .string(Self.chPassword))
            #expect(seen["environ"]?["SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD"] == .string(Self.pgPassword))
            // Not in the hook's process: the same plugin serves it, so its process has them; a hook-only plugin
            // would not (checked below with a second manifest).
            let result = try output.json()
            #expect(Set(result["env"]?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []) == expectedKeys)
            #expect(
                result["env"]?["sources"]?["DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD"] == "vault:secret:app/ch")
            #expect(result["env"]?["sources"]?["SOURCES__SQL_DATABASE__CREDENTIALS__HOST"] == "vault:kv1:app/pg")
            #expect(result["env"]?["sources"]?["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"] == "default:__")
            #expect(output.stderr.contains("DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD <- vault:secret:app/ch"))
            #expect(output.stderr.contains("connecting with password ***redacted***"))
            #expect(result["timings"]?["secrets_ms"] != nil)
        }
    }

    @Test("a plugin listed only as a hook does not get the variables")
    func hookPluginDoesNotReceive() async throws {
        try await withSetup { workspace, server, vault in
            try workspace.pythonPlugin(spec: "other.hooks", body: Self.pluginsBody)
            let text = Self.manifest(connections: Self.connections).replacingOccurrences(
                of: "hooks: {enable: [spy], plugins: [acme.secrets]}",
                with: "hooks: {enable: [spy], plugins: [other.hooks]}"
            )
            try workspace.write("m.yaml", text)
            let output = try await workspace.dltaf(["exec", "m.yaml", "--json"], environment: vault)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(try JSONParser.parse(workspace.read("hook-env.json")) == [])
            expectNoSecrets(output, server)
        }
    }

    @Test("--plan shows keys, sources and expected tables but no secret; --plan-output writes YAML atomically")
    func plan() async throws {
        try await withSetup { workspace, server, vault in
            try workspace.write("m.yaml", Self.manifest(connections: Self.connections))
            let output = try await workspace.dltaf(
                ["exec", "m.yaml", "--plan", "--json", "--plan-output", "out/plan.yaml"], environment: vault)
            #expect(output.status == 0, "\(output.stderr)")
            expectNoSecrets(output, server)
            let result = try output.json()
            #expect(result["status"] == "planned")
            let env = try #require(result["plan"]?["env"])
            #expect(env["keys"]?.arrayValue?.count == 12)
            #expect(
                env["keys"]?.arrayValue
                    == env["keys"]?.arrayValue?.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") })
            #expect(env["sources"]?["SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD"] == "vault:kv1:app/pg")
            #expect(env["sources_summary"] == ["default:__": 1, "vault:kv1:app/pg": 4, "vault:secret:app/ch": 7])
            #expect(result["plan"]?["run"]?["plan"] == true)
            #expect(workspace.read("env.json").isEmpty, "the runner's run was called")
            let file = workspace.read("out/plan.yaml")
            #expect(file.hasPrefix("pipeline:\n  name: dlt__acme__to__clickhouse__raw\n"))
            #expect(file.contains("vault:secret:app/ch: 7"))
            for secret in [Self.chPassword, Self.pgPassword, server.token] { #expect(!file.contains(secret)) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.path("out"))
            #expect(leftovers == ["plan.yaml"])
            // Without --json the plan is printed on stdout (JSON by default), the summary on stderr.
            let plain = try await workspace.dltaf(["exec", "m.yaml", "--plan"], environment: vault)
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(try plain.json()["env"]?["keys"]?.arrayValue?.count == 12)
            #expect(plain.stderr.contains("planned: dlt__acme__to__clickhouse__raw"))
            expectNoSecrets(plain, server)
        }
    }

    @Test("--dry-run: an absent credential is an error; reported, or fatal with --dry-run-strict (exit 3)")
    func dryRun() async throws {
        try await withSetup { workspace, server, vault in
            let connections =
                Self.connections + "\nkafka: {kind: kafka, vault: \"secret:app/kafka\", env_prefix: EVENTS}"
            try workspace.write("m.yaml", Self.manifest(connections: connections))
            let lenient = try await workspace.dltaf(
                ["exec", "m.yaml", "--dry-run", "--json", "--plan-output", "plan.json"], environment: vault)
            #expect(lenient.status == 0, "\(lenient.stderr)")
            expectNoSecrets(lenient, server)
            let result = try lenient.json()
            #expect(result["status"] == "dry_run")
            let report = try #require(result["plan"]?["dry_run"])
            #expect(report["ok"] == false)
            #expect(report["errors"] == ["Kafka bootstrap servers are missing (env_prefix='EVENTS__')."])
            #expect(report["offline"]?["checks"]?["clickhouse"]?["password_present"] == true)
            #expect(report["offline"]?["checks"]?["sql"]?["password_present"] == true)
            #expect(report["offline"]?["checks"]?["kafka"]?["bootstrap_servers_present"] == false)
            let written = try JSONParser.parse(workspace.read("plan.json"))
            #expect(written["dry_run"]?["ok"] == false)
            let strict = try await workspace.dltaf(
                ["exec", "m.yaml", "--dry-run", "--dry-run-strict", "--json"], environment: vault)
            #expect(strict.status == 3)
            let failed = try strict.json()
            #expect(failed["error"]?["code"] == "dry_run_strict_failed")
            #expect(failed["error"]?["category"] == "CONFIG")
            #expect(failed["error"]?["message"]?.stringValue?.contains("- Kafka bootstrap servers are missing") == true)
            #expect(failed["plan"]?["dry_run"]?["ok"] == false)
            expectNoSecrets(strict, server)
            #expect(workspace.read("env.json").isEmpty)
        }
    }

    @Test("a wrong token fails the run naming the slot and reference; the token never shows")
    func wrongToken() async throws {
        try await withSetup { workspace, server, vault in
            try workspace.write("m.yaml", Self.manifest(connections: Self.connections))
            var wrong = vault
            wrong["VAULT_TOKEN"] = "not-the-token-\(UUID().uuidString)"
            let output = try await workspace.dltaf(["exec", "m.yaml", "--json"], environment: wrong)
            #expect(output.status == 1)
            let result = try output.json()
            #expect(result["error"]?["category"] == "AUTH")
            #expect(result["error"]?["code"] == "vault_permission_denied")
            let message = result["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("connections.source: Vault secret kv1:app/pg: HTTP 403: permission denied"))
            #expect(!output.stdout.contains(wrong["VAULT_TOKEN"] ?? "?"))
            #expect(!output.stderr.contains(wrong["VAULT_TOKEN"] ?? "?"))
            #expect(workspace.read("env.json").isEmpty)
        }
    }

    @Test("a ${FILE:} value reaches the runner and is redacted wherever dltaf shows it")
    func fileSecret() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let secret = "file-Secret-\(UUID().uuidString.prefix(8))"
        try workspace.pythonPlugin(
            spec: "acme.secrets",
            body: Self.pluginsBody.replacingOccurrences(
                of: "call.env.get(\"DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD\", \"\")",
                with: "call.manifest[\"source\"][\"dsn_text\"]"))
        try workspace.write("secrets/dsn.txt", secret + "\n")
        let text = Self.manifest(connections: "{}").replacingOccurrences(
            of: "source: {kind: acme}", with: "source: {kind: acme, dsn_text: \"${FILE:secrets/dsn.txt}\"}")
        try workspace.write("m.yaml", text)
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("connecting with password ***redacted***"))
        #expect(!output.stdout.contains(secret))
        #expect(!output.stderr.contains(secret))
        let shown = try await workspace.dltaf(["manifest", "show", "m.yaml"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("dsn_text: \"***redacted***\""))
        let missing = text.replacingOccurrences(of: "secrets/dsn.txt", with: "secrets/none.txt")
        try workspace.write("n.yaml", missing)
        let failed = try await workspace.dltaf(["exec", "n.yaml"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("n.yaml:3:"))
        #expect(failed.stderr.contains("cannot read ${FILE:secrets/none.txt}: no such file"))
    }

    @Test("flag combinations are checked with the Python dltaf's messages")
    func flagValidation() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let cases: [([String], String)] = [
            (["--dry-run-strict"], "--dry-run-strict requires --dry-run or --dry-run-online"),
            (
                ["--plan-output", "p.json"],
                "--plan-output/--plan-format require --plan or --dry-run or --dry-run-online"
            ),
            (["--plan-format", "yaml"], "--plan-output/--plan-format require --plan or --dry-run or --dry-run-online"),
            (
                ["--dry-run", "--online-timeout-seconds", "2"],
                "--online-timeout-seconds is only valid with --dry-run-online"
            ),
            (["--plan", "--dry-run"], "exclude each other"),
            (["--plan", "--plan-format", "toml"], "--plan-format must be json or yaml"),
            (["--plan", "--plan-output", "-", "--json"], "both write to stdout"),
        ]
        for (flags, message) in cases {
            let output = try await workspace.dltaf(["exec", "m.yaml"] + flags)
            #expect(output.status == 2, "\(flags)")
            #expect(output.stderr.contains(message), "\(flags): \(output.stderr)")
        }
    }
}
