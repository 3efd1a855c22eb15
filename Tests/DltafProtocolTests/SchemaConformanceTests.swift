import DltafJSON
import DltafProtocol
import Testing

/// Representative values of every typed request and answer, each with the schema file it must follow.
enum Samples {
    static let context = CallContext(
        runID: "5f0c9a4e-1111-4222-8333-944455556666", startedAt: "2026-01-01T00:00:00.000Z", mode: .run,
        manifestPath: "/srv/pipelines/demo.yaml", manifestDirectory: "/srv/pipelines",
        pipeline: CallContext.Pipeline(name: "dlt__demo__to__sqlite__raw", destination: "sqlite", dataset: "raw"),
        sourceKind: "hello", writeDisposition: "append")
    static let manifest: JSONValue = ["version": 1, "source": ["kind": "hello", "path": "in.csv"]]
    static let data = RunnerDataParams(
        spoolDirectory: "/tmp/dltaf-spool-5f0c", state: ["cursor": 3], streams: ["greetings": ["last_id": 2]],
        loadID: context.runID, destination: RunnerDataParams.Destination(name: "sqlite", dataset: "raw"))
    static let failure = HookParams.Failure(message: "the runner failed", category: .data, code: "source_unreadable")
    static let result: JSONValue = ["status": "failed", "message": "the runner failed"]

    /// `(label, schema file, JSON)` for every value.
    static var all: [(String, String, JSONValue)] {
        let validate = RunnerValidateParams(kind: "hello", manifest: manifest, context: context)
        let run = RunnerRunParams(kind: "hello", manifest: manifest, context: context)
        let runWithData = RunnerRunParams(
            kind: "hello", manifest: manifest, context: context, env: ["B_TOKEN": "b", "A_PASSWORD": "a"], data: data)
        let preRun = HookParams(hook: "audit", event: .preRun, manifest: manifest, context: context)
        let postRun = HookParams(
            hook: "audit", event: .postRun, manifest: manifest, context: context, config: ["path": "audit.jsonl"],
            result: ["status": "success"])
        let onError = HookParams(
            hook: "audit", event: .onError, manifest: manifest, context: context, result: result, error: failure)
        let applies = CheckParams(check: "tcp", manifest: manifest, context: context, config: ["endpoints": ["db:1"]])
        var checkRun = applies
        checkRun.timeoutSeconds = 2.5
        let columns = [
            DataColumn(name: "id", type: .bigint, nullable: false),
            DataColumn(name: "amount", type: .decimal, nullable: true, precision: 12, scale: 2),
        ]
        return [
            ("context", "context.json", context.json),
            ("runner/validate", "runner.validate.params.json", validate.json),
            ("runner/run", "runner.run.params.json", run.json),
            ("runner/run with data", "runner.run.params.json", runWithData.json),
            ("hook/pre_run", "hook.params.json", preRun.json),
            ("hook/post_run", "hook.params.json", postRun.json),
            ("hook/on_error", "hook.params.json", onError.json),
            ("check/applies", "check.applies.params.json", applies.json),
            ("check/run", "check.run.params.json", checkRun.json),
            ("data/open", "data.open.params.json", DataOpenParams(stream: "greetings").json),
            (
                "data/open, every member", "data.open.params.json",
                DataOpenParams(
                    stream: "orders", table: "orders_v2", columns: columns, primaryKey: ["id"], writeDisposition: .merge
                ).json
            ),
            ("data/open result", "data.open.result.json", DataOpenResult(stream: "greetings", table: "greetings").json),
            (
                "data/write rows", "data.write.params.json",
                DataWriteParams(
                    stream: "greetings", batch: .rows(columns: ["id", "text"], values: [[1, "hi"], [2, .null]])
                ).json
            ),
            (
                "data/write file", "data.write.params.json",
                DataWriteParams(stream: "greetings", batch: .file(path: "/tmp/dltaf-spool-5f0c/1.csv", format: .csv))
                    .json
            ),
            ("data/write result", "data.write.result.json", DataWriteResult(rows: 2).json),
            ("data/checkpoint, nothing", "data.checkpoint.params.json", DataCheckpointParams().json),
            (
                "data/checkpoint", "data.checkpoint.params.json",
                DataCheckpointParams(state: ["cursor": 4], streams: ["greetings": ["last_id": 2]]).json
            ),
            (
                "data/checkpoint result", "data.checkpoint.result.json",
                DataCheckpointResult(loadID: context.runID, checkpoint: 1, rows: ["greetings": 2]).json
            ),
        ] + answers
            + DataErrorCode.allCases.map { ("\($0.rawValue) data", "data.error.json", $0.error("x").data ?? .null) }
    }
}

extension Samples {
    /// The handshake and the answers of calls.
    static var answers: [(String, String, JSONValue)] {
        let outcome = RunOutcome(
            status: .partialSuccess, message: "4 of 5 tables", warnings: ["orders: 2 rows skipped"],
            loadMetrics: [
                "packages_count": 1, "jobs_count": 5, "failed_jobs_count": 1, "tables_count": 5, "rows_count": 40,
            ],
            tableStats: [
                [
                    "source_table": "orders", "target_table": "orders", "status": "success", "rows_processed": 40,
                    "duration_seconds": 0.25,
                ]
            ], payload: ["any": "thing"])
        let handshake = InitializeResult(
            plugin: PluginIdentity(name: "demo", version: "1.0.0", description: "a demo"),
            provides: Provides(
                runners: [RunnerInfo(kind: "hello", description: "hello rows")],
                hooks: [HookInfo(name: "audit", events: HookEvent.allCases, description: "audit lines")],
                checks: [CheckInfo(name: "tcp", description: "reachability")]))
        let diagnostic = Diagnostic(severity: .error, message: "missing", code: "hello.path", path: "/source/path")
        return [
            (
                "initialize", "initialize.params.json",
                InitializeParams(hostVersion: "0.1.0", spec: "s", runID: "r").json
            ),
            ("initialize result", "initialize.result.json", handshake.json),
            (
                "runner/validate result", "runner.validate.result.json",
                RunnerValidateResult(diagnostics: [diagnostic]).json
            ),
            ("runner/run result", "run-outcome.json", outcome.json),
            (
                "runner/run result, classified failure", "run-outcome.json",
                RunOutcome(
                    status: .failed, message: "token refused", category: .auth, code: "bad_token", retryable: false
                ).json
            ),
            ("hook result", "hook.result.json", HookOutcome(ok: false, message: "vetoed").json),
            (
                "check/applies result", "check.applies.result.json",
                CheckAppliesResult(applies: true, reason: "set").json
            ),
            (
                "check/run result", "check.run.result.json",
                CheckOutcome(ok: false, errors: ["down"], warnings: ["slow"], details: ["latency_ms": 3.5]).json
            ),
        ]
    }
}

@Suite("the typed protocol models follow protocol/schema")
struct SchemaConformanceTests {
    @Test("every value validates against its schema, and models and schemas declare the same members")
    func modelsMatchSchemas() throws {
        var checker = try SchemaChecker()
        for (label, schema, json) in Samples.all { checker.check(json, schema, label: label) }
        #expect(checker.problems == [])
        #expect(checker.uncovered() == [])
    }

    @Test("the errors of handlers and data requests follow error.json")
    func errorsMatchSchema() throws {
        var checker = try SchemaChecker()
        for code in DataErrorCode.allCases {
            checker.check(code.error("stream x").json, "error.json", label: "\(code)")
        }
        for category in ErrorCategory.pluginCategories {
            let error = HandlerFailure(category: category, code: "c", retryable: true).error("failed")
            checker.check(error.json, "error.json", label: category.rawValue)
        }
        #expect(checker.problems == [])
    }

    @Test("the enumerations of the models are the schemas' enums")
    func enumerations() throws {
        let checker = try SchemaChecker()
        func raw<Choice: CaseIterable & RawRepresentable>(_: Choice.Type) -> Set<String>
        where Choice.RawValue == String { Set(Choice.allCases.map(\.rawValue)) }
        #expect(checker.enumeration("context.json", ["mode"]) == raw(CallMode.self))
        #expect(checker.enumeration("data.open.params.json", ["columns", "[]", "type"]) == raw(DataColumnType.self))
        #expect(checker.enumeration("data.open.params.json", ["write_disposition"]) == raw(WriteDisposition.self))
        #expect(checker.enumeration("data.write.params.json", ["file", "format"]) == raw(DataFileFormat.self))
        #expect(checker.enumeration("data.error.json", ["code"]) == raw(DataErrorCode.self))
        #expect(
            checker.enumeration("data.error.json", ["category"]) == Set(DataErrorCode.allCases.map(\.category.rawValue))
        )
        let handlerFailed = checker.documents["error.json"]?["allOf"]?.arrayValue?.first
        let categories = handlerFailed?["then"]?["properties"]?["data"]?["properties"]?["category"]?["enum"]?
            .arrayValue?.compactMap(\.stringValue)
        #expect(Set(categories ?? []) == Set(ErrorCategory.pluginCategories.map(\.rawValue)))
        #expect(
            checker.enumeration("run-outcome.json", ["category"]) == Set(ErrorCategory.pluginCategories.map(\.rawValue))
        )
    }

    @Test("the checker is not vacuous: a member on one side only, or a missing required one, is found")
    func checkerFindsDrift() throws {
        var extra = try SchemaChecker()
        var params = Samples.context.json.objectValue ?? JSONObject()
        params["retries"] = 3
        extra.check(.object(params), "context.json", label: "extra")
        #expect(extra.problems.count == 1)
        #expect(extra.problems.first?.contains("\"retries\"") == true)

        var missing = try SchemaChecker()
        missing.check(
            CheckParams(check: "tcp", manifest: [:], context: Samples.context).json, "check.run.params.json",
            label: "no timeout")
        #expect(missing.problems.contains { $0.contains("required \"timeout_seconds\"") })
        #expect(missing.uncovered().contains { $0.contains("timeout_seconds") })

        var wrong = try SchemaChecker()
        wrong.check(
            ["stream": "s", "rows": ["columns": [], "values": []], "file": ["path": "p", "format": "csv"]],
            "data.write.params.json", label: "both")
        #expect(wrong.problems.contains { $0.contains("oneOf") })
    }
}
