import DltafJSON
import DltafProtocol
import Testing

@Suite("the typed protocol models read what they write, and name what is wrong")
struct ModelReadingTests {
    @Test("every request and answer survives a round trip through its JSON form")
    func roundTrips() throws {
        let context = Samples.context
        #expect(try CallContext(json: context.json) == context)
        let validate = RunnerValidateParams(kind: "hello", manifest: Samples.manifest, context: context)
        #expect(try RunnerValidateParams(json: validate.json) == validate)
        let run = RunnerRunParams(
            kind: "hello", manifest: Samples.manifest, context: context, env: ["TOKEN": "t"], data: Samples.data)
        #expect(try RunnerRunParams(json: run.json) == run)
        let hook = HookParams(
            hook: "audit", event: .onError, manifest: Samples.manifest, context: context, config: ["path": "a"],
            result: Samples.result, error: Samples.failure)
        #expect(try HookParams(event: .onError, json: hook.json) == hook)
        let check = CheckParams(check: "tcp", manifest: Samples.manifest, context: context, timeoutSeconds: 3)
        #expect(try CheckParams(json: check.json) == check)
        let open = DataOpenParams(
            stream: "orders", table: "t", columns: [DataColumn(name: "n", type: .decimal, precision: 9, scale: 2)],
            primaryKey: ["n"], writeDisposition: .append)
        #expect(try DataOpenParams(json: open.json) == open)
        let opened = DataOpenResult(stream: "orders", table: "orders", state: ["cursor": 1])
        #expect(try DataOpenResult(json: opened.json) == opened)
        for batch in [
            DataBatch.rows(columns: ["a"], values: [[1], [.null]]), .file(path: "/s/1.ndjson", format: .ndjson),
        ] {
            let write = DataWriteParams(stream: "orders", batch: batch)
            #expect(try DataWriteParams(json: write.json) == write)
        }
        #expect(try DataWriteResult(json: DataWriteResult(rows: 7).json) == DataWriteResult(rows: 7))
        let checkpoint = DataCheckpointParams(state: .null, streams: ["orders": 1])
        #expect(try DataCheckpointParams(json: checkpoint.json) == checkpoint)
        #expect(try DataCheckpointParams(json: [:]) == DataCheckpointParams())
        let validated = RunnerValidateResult(diagnostics: [Diagnostic(severity: .warning, message: "m", path: "/a")])
        #expect(try RunnerValidateResult(json: validated.json) == validated)
        let applies = CheckAppliesResult(applies: false, reason: "not configured")
        #expect(try CheckAppliesResult(json: applies.json) == applies)
        let committed = DataCheckpointResult(loadID: "l", checkpoint: 2, rows: ["orders": 5, "items": 0])
        #expect(try DataCheckpointResult(json: committed.json) == committed)
        let classified = RunOutcome(
            status: .failed, message: "token refused", category: .auth, code: "bad_token", retryable: true)
        #expect(try RunOutcome(json: classified.json) == classified)
    }

    @Test("absent members read as their defaults, so plugin unit tests may send partial params")
    func lenientDefaults() throws {
        let run = try RunnerRunParams(json: ["kind": "hello"])
        #expect(run.manifest == .object(JSONObject()))
        #expect(run.context == .empty)
        #expect(run.env.isEmpty && run.data == nil)
        let hook = try HookParams(
            event: .postRun, json: ["hook": "audit", "error": ["message": "x", "category": "NEW"]])
        #expect(hook.error?.category == .unknown)
        #expect(try CallContext(json: [:]).writeDisposition == "replace")
    }

    @Test("params that do not follow the protocol are violations naming the method and the member")
    func violations() {
        func reason(_ body: () throws -> Void) -> String {
            do {
                try body()
                return "accepted"
            } catch let violation as ProtocolViolation {
                return violation.reason
            } catch {
                return "not a violation: \(error)"
            }
        }
        #expect(reason { _ = try RunnerRunParams(json: ["manifest": [:]]) }.contains("runner/run params: \"kind\""))
        #expect(reason { _ = try RunnerRunParams(json: ["kind": "k", "env": ["A": 1]]) }.contains("\"env.A\""))
        #expect(reason { _ = try RunnerValidateParams(json: ["kind": 3]) }.contains("\"kind\" must be a string"))
        #expect(reason { _ = try CheckParams(json: ["check": "c", "timeout_seconds": -1]) }.contains("negative"))
        #expect(
            reason { _ = try CheckParams(json: ["check": "c", "context": ["mode": "later"]]) }
                .contains("context: \"mode\" must be one of run, validate, plan, dry_run"))
        #expect(
            reason { _ = try HookParams(event: .preRun, json: ["hook": "h", "config": [1]]) }.contains("\"config\""))
        #expect(
            reason { _ = try RunnerRunParams(json: ["kind": "k", "data": ["spool_dir": "/s"]]) }.contains("load_id"))
        #expect(reason { _ = try DataWriteParams(json: ["stream": "s"]) }.contains("exactly one of"))
        #expect(
            reason { _ = try DataOpenParams(json: ["stream": "s", "columns": [["name": "c", "type": "int"]]]) }
                .contains("\"type\" must be one of"))
        #expect(reason { _ = try DataCheckpointResult(json: ["load_id": "l"]) }.contains("\"checkpoint\""))
        #expect(reason { _ = try RunnerValidateResult(json: [:]) }.contains("\"diagnostics\" is required"))
        #expect(reason { _ = try CheckAppliesResult(json: ["applies": "yes"]) }.contains("must be a boolean"))
        for (outcome, fragment) in [
            (["status": "failed", "category": "NOPE"], "\"category\" must be one of CONFIG,"),
            (["status": "failed", "category": "CANCELLED"], "\"category\" must be one of CONFIG,"),
            (["status": "failed", "code": ""], "\"code\" must be a non-empty string"),
            (["status": "failed", "code": 7], "\"code\" must be a non-empty string"),
            (["status": "failed", "retryable": "yes"], "\"retryable\" must be a boolean"),
        ] as [(JSONValue, String)] {
            #expect(reason { _ = try RunOutcome(json: outcome) }.contains("runner/run result: " + fragment))
        }
    }

    @Test("data errors carry the category, code and retryable of PROTOCOL.md §8.3")
    func dataErrors() {
        let error = DataErrorCode.destinationFailed.error("destination sqlite went away")
        #expect(error.code == RPCErrorCode.handlerFailed)
        #expect(error.data == ["category": "CONNECTIVITY", "code": "destination_failed", "retryable": true])
        #expect(DataErrorCode(error: error) == .destinationFailed)
        #expect(DataErrorCode.streamNotOpen.category == .data && !DataErrorCode.streamNotOpen.retryable)
        #expect(
            HandlerFailure(data: error.data)
                == HandlerFailure(category: .connectivity, code: "destination_failed", retryable: true))
    }
}
