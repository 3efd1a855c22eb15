import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("dltaf exec: lifecycle, results and exit codes")
struct ExecTests {
    @Test("the hello sample runs end to end through a Swift runner, a Python hook and a bash check")
    func helloSample() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let manifests = TestPaths.repoRoot.appendingPathComponent("samples/manifests").path
        let output = try await runProcess(
            TestPaths.dltaf, ["exec", "hello.yaml", "--json"],
            environment: workspace.environment([
                "DLTAF_PLUGIN_PATH": "../plugins", "DLTAF_HELLO_OUTPUT": workspace.path("out.jsonl"),
                "DLTAF_HELLO_AUDIT": workspace.path("audit.jsonl"),
                // The runner speaks data.v1: its rows go to this SQLite file, not to the repository's .dltaf/.
                "DESTINATION__SQLITE__CREDENTIALS__DATABASE": workspace.path("demo.sqlite"),
            ]),
            directory: manifests)
        #expect(output.status == 0, "\(output.stderr)")
        let result = try output.json()
        #expect(result["status"] == "success")
        #expect(result["load_metrics"]?["rows_count"] == 5)
        #expect(result["checks"]?["selected"] == ["source_file"])
        #expect(result["state"]?["rows_read"] == 5)
        let specs = result["plugins"]?.arrayValue?.compactMap { $0["spec"]?.stringValue } ?? []
        #expect(specs == ["samples.swift.hello_runner", "samples.python.audit_hook", "samples.bash.source_file_check"])
        let deliveries = result["plugins"]?.arrayValue?.compactMap { $0["delivery"]?.stringValue } ?? []
        #expect(deliveries == ["installed binary on PATH", "plugin-path descriptor", "plugin-path executable"])
        #expect(result["plugins"]?.arrayValue?.allSatisfy { $0["protocol_version"] == 1 } == true)
        let table = result["load"]?["tables"]?[0]
        #expect(table?["table"] == "greetings")
        #expect(table?["rows_committed"] == 5)
        // The runner's checkpoint, then the commit dltaf makes when the run succeeds.
        #expect(result["load"]?["checkpoints"] == 2)
        #expect(FileManager.default.fileExists(atPath: workspace.path("demo.sqlite")))
        let audit = workspace.read("audit.jsonl").split(separator: "\n")
        #expect(audit.count == 2)
        #expect(audit.first?.contains("\"pre_run\"") == true)
        #expect(audit.last?.contains("\"post_run\"") == true)
        // Live logs go to stderr, the result document alone to stdout.
        #expect(output.stderr.contains("[samples.swift.hello_runner] loaded 5 rows"))
        #expect(output.stderr.contains("progress: 5/5"))
    }

    @Test("the result document carries run id, timings and one report per plugin process")
    func resultDocument() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(source: "rows: 7"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json", "--result-file", "result.json"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try output.json()
        #expect(result["status"] == "success")
        #expect(result["mode"] == "run")
        #expect(result["exit_code"] == 0)
        #expect(result["run_id"]?.stringValue?.count == 36)
        #expect(result["message"] == "acme loaded")
        #expect(result["load_metrics"]?["rows_count"] == 7)
        #expect(result["state"] == ["cursor": 7])
        #expect(result["runner"]?["kind"] == "acme")
        #expect(result["runner"]?["origin"] == "plugin:acme.runner")
        let plugin = try #require(result["plugins"]?.arrayValue?.first)
        #expect(plugin["name"] == "acme-runner")
        #expect(plugin["version"] == "9.9.9")
        #expect(plugin["calls"] == 2)
        #expect(plugin["exit"] == "exited with status 0")
        #expect((plugin["startup_ms"]?.doubleValue ?? 0) > 0)
        for phase in ["load_ms", "start_plugins_ms", "validate_ms", "run_ms", "total_ms"] {
            #expect(result["timings"]?[phase]?.doubleValue != nil, "missing timing \(phase)")
        }
        // The built-in log hook ran pre_run and post_run.
        let hooks = result["hooks"]?.arrayValue?.compactMap { $0["event"]?.stringValue } ?? []
        #expect(hooks == ["pre_run", "post_run"])
        // --result-file holds the same document.
        let file = try JSONParser.parse(workspace.read("result.json"))
        #expect(file["run_id"] == result["run_id"])
        #expect(workspace.read("calls.log") == "runner:validate\nrunner:run\n")
    }

    @Test("--validate-only, --plan and --dry-run stop before the runner")
    func modes() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {enable: [first], plugins: [acme.hooks]}"))
        let validate = try await workspace.dltaf(["exec", "m.yaml", "--validate-only", "--json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(try validate.json()["mode"] == "validate")
        let plan = try await workspace.dltaf(["exec", "m.yaml", "--plan", "--json", "--set", "source.password=hunter2"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try plan.json()
        #expect(planned["status"] == "planned")
        #expect(planned["plan"]?["runner"]?["kind"] == "acme")
        #expect(planned["plan"]?["hooks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["log", "first"])
        #expect(planned["plan"]?["overrides"]?["source.password"] == "***redacted***")
        #expect(!plan.stdout.contains("hunter2"))
        let dry = try await workspace.dltaf(["exec", "m.yaml", "--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try dry.json()["status"] == "dry_run")
        // Only validate ran, three times; no hook, no run.
        #expect(workspace.read("calls.log") == "runner:validate\nrunner:validate\nrunner:validate\n")
    }

    @Test("`dltaf manifest run --manifest M` is the same as `dltaf exec M`")
    func pythonSpelling() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(source: "rows: 3"))
        let output = try await workspace.dltaf(["manifest", "run", "--manifest", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try output.json()["load_metrics"]?["rows_count"] == 3)
    }

    @Test("--set and --write-disposition override the manifest before validation")
    func overrides() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(source: "rows: 1"))
        let output = try await workspace.dltaf([
            "exec", "m.yaml", "--json", "--set", "source.rows=42", "--write-disposition", "append",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try output.json()["load_metrics"]?["rows_count"] == 42)
        let bad = try await workspace.dltaf(["exec", "m.yaml", "--json", "--set", "source.rows=many"])
        #expect(bad.status == 2)
        let error = try bad.json()["error"]
        #expect(error?["code"] == "runner_validation_failed")
        #expect(error?["diagnostics"]?[0]?["message"]?.stringValue?.contains("(value set with --set)") == true)
    }

    @Test("a ${ENV:} or ${FILE:} placeholder in a --set value is refused, naming the argument")
    func overridePlaceholders() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(source: "rows: 1"))
        for argument in ["pipeline.dev_mode=${ENV:X}", #"source.tables=["a", "${FILE:secret.txt}"]"#] {
            let output = try await workspace.dltaf(["exec", "m.yaml", "--json", "--set", argument])
            #expect(output.status == 2, "\(argument): \(output.stdout)")
            let error = try output.json()["error"]
            let message = error?["diagnostics"]?[0]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("--set \(argument): ${"), "\(output.stdout)")
            #expect(message.contains("is not resolved in --set values"), "\(message)")
            #expect(!workspace.read("calls.log").contains("runner:run"), "the plugin never ran")
        }
    }

    @Test("stdout noise and suppressed log lines are warnings of the result, not only lines on stderr")
    func misbehaviourInWarnings() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: """
                protocol_stdout = os.dup(1)
                os.write(1, b"Loading acme v1...\\n")

                @plugin.runner("acme")
                def run(call):
                    os.write(protocol_stdout, b"processing rows 1..100\\n")
                    for index in range(20000):
                        sys.stderr.write("line %d\\n" % index)
                    sys.stderr.flush()
                    return {"status": "success"}
                """)
        try workspace.write("m.yaml", Fixtures.manifest())
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let warnings = try output.json()["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(
            warnings.contains(
                "plugin acme.runner: stdout_noise: non-protocol output on stdout before its handshake: "
                    + "\"Loading acme v1...\" (plugins must log to stderr) (2 such lines; the first shown)"),
            "\(warnings)")
        let suppressed = warnings.compactMap { warning -> Int? in
            guard warning.hasPrefix("plugin acme.runner: "), warning.hasSuffix(" log lines suppressed (rate limit)")
            else { return nil }
            return Int(warning.dropFirst("plugin acme.runner: ".count).prefix { $0.isNumber })
        }
        #expect(suppressed.count == 1, "\(warnings)")
        let printed = output.stderr.split(separator: "\n").filter { $0.contains("] line ") }.count
        #expect(printed + (suppressed.first ?? 0) == 20000, "every line is printed or counted in the result")
    }

    @Test("a line over --max-line-bytes fails the call once, without a truncated-last-line warning after it")
    func oversizedLineIsNotAlsoTruncated() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: """
                protocol_stdout = os.dup(1)

                @plugin.runner("acme")
                def run(call):
                    os.write(protocol_stdout, b'{"jsonrpc": "2.0", "id": 99, "result": "' + b"x" * 8192)
                    time.sleep(30)
                    return {"status": "success"}
                """)
        try workspace.write("m.yaml", Fixtures.manifest())
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json", "--max-line-bytes", "4096"])
        #expect(output.status == 1, "\(output.stderr)")
        let result = try output.json()
        let message = result["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("it wrote a line longer than 4096 bytes"), "\(message)")
        #expect(!output.stderr.contains("truncated last line"), "\(output.stderr)")
        #expect(!output.stdout.contains("truncated last line"), "\(output.stdout)")
    }

    @Test("a runner failure names the plugin once and is printed once on stderr and once on stdout")
    func failureOnceEach() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: """
                import dltaf_plugin._results
                dltaf_plugin._results.run_outcome = lambda value: value  # let a broken outcome reach dltaf

                @plugin.runner("acme")
                def run(call):
                    if call.manifest["source"].get("broken"):
                        return {"status": "weird"}
                    sys.stderr.write("connecting to the source\\n")
                    sys.stderr.flush()
                    time.sleep(0.3)  # let dltaf read the stderr line before the error
                    raise PluginError("the source said no")
                """)
        try workspace.write("broken.yaml", Fixtures.manifest(source: "broken: true"))
        let broken = try await workspace.dltaf(["exec", "broken.yaml"])
        #expect(broken.status == 1)
        let violation = "plugin acme.runner broke the protocol during runner/run: runner/run result: \"status\""
        #expect(broken.stdout.contains(violation), "\(broken.stdout)")
        #expect(!(broken.stdout + broken.stderr).contains("plugin plugin:"))
        #expect(broken.stderr.components(separatedBy: violation).count - 1 == 1, "\(broken.stderr)")

        try workspace.write("failing.yaml", Fixtures.manifest())
        let failing = try await workspace.dltaf(["exec", "failing.yaml"])
        #expect(failing.status == 1)
        let message = "plugin acme.runner failed runner/run: the source said no"
        for (name, text) in [("stdout", failing.stdout), ("stderr", failing.stderr)] {
            #expect(text.components(separatedBy: message).count - 1 == 1, "\(name): \(text)")
            #expect(
                text.components(separatedBy: "connecting to the source").count - 1 == 1,
                "\(name) shows the stderr line once: \(text)")
        }
    }

    @Test("a runner classifies its own failure with category, code and retryable")
    func classifiedRunnerFailure() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: """
                @plugin.runner("acme")
                def run(call):
                    if call.manifest["source"].get("plain"):
                        return {"status": "failed", "message": "no reason"}
                    return {"status": "failed", "message": "the source refused us", "category": "AUTH", "code": "bad_token",
                            "retryable": True}
                """)
        try workspace.write("m.yaml", Fixtures.manifest())
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 1, "\(output.stderr)")
        let error = try output.json()["error"]
        #expect(error?["category"] == "AUTH", "\(output.stdout)")
        #expect(error?["code"] == "bad_token")
        #expect(error?["retryable"] == true)
        #expect(error?["message"] == "the source refused us")

        try workspace.write("plain.yaml", Fixtures.manifest(source: "plain: true"))
        let plain = try await workspace.dltaf(["exec", "plain.yaml", "--json"])
        let unclassified = try plain.json()["error"]
        #expect(unclassified?["category"] == "UNKNOWN")
        #expect(unclassified?["code"] == "runner_reported_failure")
        #expect(unclassified?["retryable"] == nil)
    }

    @Test("a runner that reports failed exits 1 and gets on_error hooks, not post_run")
    func runnerFailureStatus() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(run: "hooks: {enable: [first, second], plugins: [acme.hooks]}", source: "status: failed"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 1)
        let result = try output.json()
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "runner_reported_failure")
        #expect(
            workspace.read("calls.log")
                == "runner:validate\nfirst:pre_run\nsecond:pre_run\nrunner:run\nsecond:on_error\nfirst:on_error\n")
    }
}

extension JSONValue {
    /// Element `index` of an array.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
