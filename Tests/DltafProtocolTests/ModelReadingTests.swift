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
        let committed = DataCheckpointResult(loadID: "l", checkpoint: 2, rows: ["orders": 5, "items": 0])
        #expect(try DataCheckpointResult(json: committed.json) == committed)
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
        func reason(_ body: () throws(ProtocolViolation) -> Void) -> String {
            do {
                try body()
                return "accepted"
            } catch {
                return error.reason
            }
        }
        #expect(
            reason { () throws(ProtocolViolation) in _ = try RunnerRunParams(json: ["manifest": [:]]) }.contains(
                "runner/run params: \"kind\""))
        #expect(
            reason { () throws(ProtocolViolation) in _ = try RunnerRunParams(json: ["kind": "k", "env": ["A": 1]]) }
                .contains("\"env.A\""))
        #expect(
            reason { () throws(ProtocolViolation) in _ = try RunnerValidateParams(json: ["kind": 3]) }.contains(
                "\"kind\" must be a string"))
        #expect(
            reason { () throws(ProtocolViolation) in _ = try CheckParams(json: ["check": "c", "timeout_seconds": -1]) }
                .contains("negative"))
        #expect(
            reason { () throws(ProtocolViolation) in
                _ = try CheckParams(json: ["check": "c", "context": ["mode": "later"]])
            }
            .contains("context: \"mode\" must be one of run, validate, plan, dry_run"))
        #expect(
            reason { () throws(ProtocolViolation) in
                _ = try HookParams(event: .preRun, json: ["hook": "h", "config": [1]])
            }.contains("\"config\""))
        #expect(
            reason { () throws(ProtocolViolation) in
                _ = try RunnerRunParams(json: ["kind": "k", "data": ["spool_dir": "/s"]])
            }.contains("load_id"))
        #expect(
            reason { () throws(ProtocolViolation) in _ = try DataWriteParams(json: ["stream": "s"]) }.contains(
                "exactly one of"))
        #expect(
            reason { () throws(ProtocolViolation) in
                _ = try DataOpenParams(json: ["stream": "s", "columns": [["name": "c", "type": "int"]]])
            }
            .contains("\"type\" must be one of"))
        #expect(
            reason { () throws(ProtocolViolation) in _ = try DataCheckpointResult(json: ["load_id": "l"]) }.contains(
                "\"checkpoint\""))
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
