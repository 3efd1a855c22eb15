import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// A manifest whose `run.online_checks` holds `checks` (YAML lines, indented under `online_checks:`).
private func checksManifest(_ checks: String) -> String {
    """
    version: 1
    pipeline:
      name: dlt__acme__to__test__raw
      destination: test
      dataset: raw
    source:
      kind: acme
    run:
      online_checks:
    \(checks.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

    """
}

/// Runs `dltaf infra-checks run --manifest m.yaml --format json` plus `arguments`.
private func runChecks(
    _ workspace: Workspace, _ arguments: [String] = [], environment: [String: String] = [:]
) async throws -> (output: ProcessOutput, report: JSONValue) {
    let output = try await workspace.dltaf(
        ["infra-checks", "run", "--manifest", "m.yaml", "--format", "json"] + arguments, environment: environment)
    let report = (try? output.json()) ?? .null
    return (output, report)
}

@Suite("dltaf infra-checks list")
struct InfraChecksListTests {
    @Test("table, json and yaml list every built-in with applies and selected")
    func formats() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", checksManifest("config:\n  env: {required: [HOME]}"))
        let table = try await workspace.dltaf(["infra-checks", "list", "--manifest", "m.yaml"])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true)
        #expect(lines.contains { $0.hasPrefix("env ") && $0.contains("builtin") && $0.contains("yes      yes") })
        #expect(lines.contains { $0.hasPrefix("postgres ") && $0.contains("no       no") })

        let json = try await workspace.dltaf(["infra-checks", "list", "--manifest", "m.yaml", "--format", "json"])
        let checks = try json.json()["checks"]?.arrayValue ?? []
        #expect(
            checks.compactMap { $0["name"]?.stringValue } == ["tcp", "http", "postgres", "sqlite", "env", "path"])
        let env = checks.first { $0["name"] == "env" }
        #expect(env?["applies"] == true)
        #expect(env?["selected"] == true)
        #expect(env?["origin"] == "builtin")

        let selected = try await workspace.dltaf([
            "infra-checks", "list", "--manifest", "m.yaml", "--format", "json", "--selected-only",
        ])
        #expect(try selected.json()["checks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["env"])

        let yaml = try await workspace.dltaf(["infra-checks", "list", "--manifest", "m.yaml", "--format", "yaml"])
        #expect(yaml.status == 0)
        #expect(yaml.stdout.hasPrefix("checks:"))
        #expect(yaml.stdout.contains("name: sqlite"))
    }

    @Test("a plugin check is listed with its origin; disable unselects an applicable check")
    func pluginCheck() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.checks",
            body: "@plugin.check(\"probe\", description=\"a probe\")\ndef probe(call):\n    return True")
        try workspace.write(
            "m.yaml", checksManifest("plugins: [acme.checks]\ndisable: [env]\nconfig:\n  env: {required: [HOME]}"))
        let output = try await workspace.dltaf([
            "infra-checks", "list", "--manifest", "m.yaml", "--format", "json", "--show-plugins",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let document = try output.json()
        let probe = document["checks"]?.arrayValue?.first { $0["name"] == "probe" }
        #expect(probe?["origin"] == "plugin:acme.checks")
        #expect(probe?["selected"] == true)
        #expect(document["checks"]?.arrayValue?.first { $0["name"] == "env" }?["selected"] == false)
        #expect(document["plugins"]?["results"]?[0]?["registered"] == ["probe"])
    }

    @Test("--help teaches: examples and exit codes")
    func help() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let output = try await workspace.dltaf(["infra-checks", "run", "--help"])
        #expect(output.stdout.contains("Examples:"))
        #expect(output.stdout.contains("Exit codes:"))
        #expect(output.stdout.contains("--summary-only"))
    }
}

@Suite("dltaf infra-checks run")
struct InfraChecksRunTests {
    @Test("passing checks exit 0 with the Python-shaped report")
    func ok() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("data/in.csv", "a,b\n")
        try workspace.write(
            "m.yaml", checksManifest("config:\n  env: {required: [HOME]}\n  path: {paths: [data, data/in.csv]}"))
        let (output, report) = try await runChecks(workspace)
        #expect(output.status == 0, "\(output.stderr)\n\(output.stdout)")
        #expect(report["ok"] == true)
        #expect(report["selected_checks"] == ["env", "path"])
        #expect(report["plugins"]?["requested"] == [])
        #expect(report["timeout_seconds"] == 5.0)
        #expect(report["path"]?["details"]?["results"]?[0]?["type"] == "directory")
        #expect(report["path"]?["origin"] == "builtin")
        #expect(report["not_selected"]?["tcp"]?["applies"] == false)

        let yaml = try await workspace.dltaf(["infra-checks", "run", "--manifest", "m.yaml", "--summary-only"])
        #expect(yaml.status == 0)
        #expect(yaml.stdout == "ok: true\nerrors: []\nwarnings: []\n")
    }

    @Test("a missing variable and a missing path fail with exit 3, naming the variable but not values")
    func failing() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            checksManifest("config:\n  env: {required: [HOME, DLTAF_TEST_ABSENT]}\n  path: {paths: [nope/here.txt]}"))
        let (output, report) = try await runChecks(workspace)
        #expect(output.status == 3)
        #expect(report["ok"] == false)
        #expect(report["env"]?["details"]?["missing"] == ["DLTAF_TEST_ABSENT"])
        #expect(report["errors"]?.arrayValue?.contains("env: missing environment variables: DLTAF_TEST_ABSENT") == true)
        #expect(report["path"]?["details"]?["results"]?[0]?["exists"] == false)
        #expect(!output.stdout.contains(workspace.root + "\""), "HOME's value must not be reported")
    }

    @Test("--only runs exactly the named checks (comma or ;); an unknown name is a usage error")
    func only() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml", checksManifest("config:\n  env: {required: [DLTAF_TEST_ABSENT]}\n  path: {paths: [m.yaml]}"))
        let (pathOnly, report) = try await runChecks(workspace, ["--only", "path"])
        #expect(pathOnly.status == 0, "\(pathOnly.stdout)")
        #expect(report["selected_checks"] == ["path"])
        #expect(report["env"] == nil)

        let (both, bothReport) = try await runChecks(workspace, ["--only", "path;env", "--selected-only"])
        #expect(both.status == 3)
        #expect(bothReport["selected_checks"] == ["path", "env"])
        #expect(bothReport["not_selected"] == nil)

        let (unknown, _) = try await runChecks(workspace, ["--only", "paht"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("\"paht\" (did you mean \"path\"?)"))
    }

    @Test("an invalid manifest exits 2")
    func invalidManifest() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", checksManifest("enable: [nope]"))
        let (output, _) = try await runChecks(workspace)
        #expect(output.status == 2)
        #expect(output.stderr.contains("unknown online check \"nope\""))
        // The Python dltaf's built-in checks may be disabled (as `exec` and `manifest lint` accept); asking for
        // one says where it comes from.
        try workspace.write("m.yaml", checksManifest("disable: [kafka, clickhouse]"))
        let (disabled, _) = try await runChecks(workspace)
        #expect(disabled.status == 0, "\(disabled.stderr)")
        try workspace.write("m.yaml", checksManifest("enable: [kafka]"))
        let (enabled, _) = try await runChecks(workspace)
        #expect(enabled.status == 2)
        #expect(enabled.stderr.contains("online check \"kafka\" is built into the Python dltaf, not into dltaf"))
        let missing = try await workspace.dltaf(["infra-checks", "run", "--manifest", "absent.yaml"])
        #expect(missing.status == 2)
    }

    @Test("http: 200 passes, 404 warns (exit 3 only with --strict), refused and timeout fail")
    func http() async throws {
        let server = try await LocalHTTPServer.start()
        let workspace = try Workspace()
        defer { workspace.remove() }
        do {
            let base = server.baseURL
            try workspace.write("m.yaml", checksManifest("config:\n  http: {urls: [\"\(base)/status/200\"]}"))
            let (good, goodReport) = try await runChecks(workspace)
            #expect(good.status == 0, "\(good.stdout)")
            let result = goodReport["http"]?["details"]?["results"]?[0]
            #expect(result?["status"] == 200)
            #expect(result?["ok"] == true)
            #expect(result?["latency_ms"]?.doubleValue != nil)

            try workspace.write("m.yaml", checksManifest("config:\n  http: {url: \"\(base)/status/404\"}"))
            let (warned, warnedReport) = try await runChecks(workspace)
            #expect(warned.status == 0)
            #expect(warnedReport["warnings"] == .array([.string("http: GET \(base)/status/404 answered 404")]))
            let (strict, _) = try await runChecks(workspace, ["--strict"])
            #expect(strict.status == 3)

            try workspace.write(
                "m.yaml", checksManifest("config:\n  http: {url: \"\(base)/status/404\", expected_status: [200]}"))
            #expect(try await runChecks(workspace).output.status == 3)

            let closed = try closedPort()
            try workspace.write(
                "m.yaml",
                checksManifest(
                    "config:\n  http: {urls: [\"http://127.0.0.1:\(closed)/\", \"\(base)/slow?seconds=10\"], "
                        + "timeout_seconds: 0.5}"))
            let (failed, failedReport) = try await runChecks(workspace)
            #expect(failed.status == 3)
            let results = failedReport["http"]?["details"]?["results"]?.arrayValue ?? []
            #expect(results.first?["error"]?.stringValue?.hasPrefix("transport:") == true)
            #expect(results.last?["error"]?.stringValue?.hasPrefix("timeout:") == true)
        }
        await server.stop()
    }

    @Test("checks run concurrently: within the http check and across checks (a barrier needs both at once)")
    func concurrency() async throws {
        let server = try await LocalHTTPServer.start()
        let workspace = try Workspace()
        defer { workspace.remove() }
        do {
            // Each barrier answers 200 only when two requests wait at it together, else 504 after 4 s.
            try workspace.pythonPlugin(
                spec: "acme.checks",
                body: """
                    import urllib.request

                    @plugin.check("barrier")
                    def barrier(call):
                        with urllib.request.urlopen(call.config["url"], timeout=10) as answer:
                            return {"ok": answer.status == 200, "details": {"status": answer.status}}
                    """)
            let base = server.baseURL
            try workspace.write(
                "m.yaml",
                checksManifest(
                    """
                    plugins: [acme.checks]
                    config:
                      http: {urls: ["\(base)/barrier/inner?n=2&seconds=4", "\(base)/barrier/inner?n=2&seconds=4", \
                    "\(base)/barrier/across?n=2&seconds=4"], expected_status: 200}
                      barrier: {url: "\(base)/barrier/across?n=2&seconds=4"}
                    """))
            let (output, report) = try await runChecks(workspace, ["--timeout-seconds", "10"])
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(report["selected_checks"] == ["http", "barrier"])
            #expect(report["http"]?["details"]?["results"]?.arrayValue?.map { $0["status"] } == [200, 200, 200])
            #expect(report["barrier"]?["details"]?["status"] == 200)
            #expect(report["plugins"]?["results"]?[0]?["ok"] == true)
        }
        await server.stop()
    }

    @Test("a check plugin that cannot start is reported and fails the run (exit 3); built-ins still run")
    func brokenPlugin() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", checksManifest("plugins: [acme.absent]\nconfig:\n  path: {paths: [m.yaml]}"))
        let (output, report) = try await runChecks(workspace)
        #expect(output.status == 3)
        #expect(report["plugins"]?["requested"] == ["acme.absent"])
        #expect(report["plugins"]?["results"]?[0]?["ok"] == false)
        #expect(report["path"]?["ok"] == true)
        #expect(report["errors"]?[0]?.stringValue?.hasPrefix("check plugin failed to load: acme.absent") == true)
    }

    @Test("sqlite: a real database passes, a corrupt file fails")
    func sqlite() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("db/bad.sqlite", String(repeating: "garbage ", count: 200))
        let made = try await runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); c.commit()",
                workspace.path("db/good.sqlite"),
            ])
        #expect(made.status == 0, "\(made.stderr)")
        try workspace.write("m.yaml", checksManifest("config:\n  sqlite: {path: db/good.sqlite}"))
        let (good, goodReport) = try await runChecks(workspace)
        #expect(good.status == 0, "\(good.stdout)")
        #expect(goodReport["sqlite"]?["details"]?["results"]?[0]?["schema_objects"] == 1)

        try workspace.write("m.yaml", checksManifest("config:\n  sqlite: {paths: [db/good.sqlite, db/bad.sqlite]}"))
        let (bad, badReport) = try await runChecks(workspace)
        #expect(bad.status == 3)
        #expect(badReport["errors"] == ["sqlite: db/bad.sqlite: query: file is not a database"])
    }

    @Test("postgres against a real server: config and resolver variables pass; a wrong password fails unseen")
    func postgres() async throws {
        try await LocalPostgres.with { server in
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(
                "m.yaml",
                checksManifest(
                    "config:\n  postgres: {host: 127.0.0.1, port: \(server.port), user: \(server.user), "
                        + "password: \"\(server.password)\", dbname: postgres}"))
            let (good, goodReport) = try await runChecks(workspace)
            #expect(good.status == 0, "\(good.stdout)\n\(server.log)")
            #expect(goodReport["postgres"]?["details"]?["server_version"]?.stringValue?.isEmpty == false)
            #expect(!good.stdout.contains(server.password))

            // The resolver's variables, as `connections.source` (kind postgres) produces them.
            let prefix = "SOURCES__SQL_DATABASE__CREDENTIALS__"
            let wrong = "Not-The-Password-42"
            try workspace.write("m.yaml", checksManifest("config: {}"))
            let variables = [
                prefix + "HOST": "127.0.0.1", prefix + "PORT": String(server.port), prefix + "USERNAME": server.user,
                prefix + "DATABASE": "template1", prefix + "DRIVERNAME": "postgresql",
            ]
            let (fromEnvironment, environmentReport) = try await runChecks(
                workspace, environment: variables.merging([prefix + "PASSWORD": server.password]) { $1 })
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.stdout)")
            #expect(environmentReport["selected_checks"] == ["postgres"])
            #expect(environmentReport["postgres"]?["details"]?["source"] == "environment")

            let (denied, deniedReport) = try await runChecks(
                workspace, environment: variables.merging([prefix + "PASSWORD": wrong]) { $1 })
            #expect(denied.status == 3)
            #expect(
                deniedReport["errors"]?[0]?.stringValue?.contains("password authentication failed") == true,
                "\(denied.stdout)")
            #expect(!denied.stdout.contains(wrong))
            #expect(!denied.stderr.contains(wrong))

            try workspace.write(
                "m.yaml",
                checksManifest(
                    "config:\n  postgres: {dsn: \"postgresql://\(server.user):\(wrong)@127.0.0.1:\(server.port)/postgres\"}"
                ))
            let (dsn, _) = try await runChecks(workspace)
            #expect(dsn.status == 3)
            #expect(!dsn.stdout.contains(wrong))
        }
    }
}
