import DltafJSON
import DltafProtocol

/// The built-in `log` hook: one line when a run starts, finishes or fails (like the Python dltaf's
/// `basic_logging`). Active by default.
struct LogHook: BuiltinExtension {
    let console: Console

    var provides: Provides {
        Provides(hooks: [
            HookInfo(name: "log", events: HookEvent.allCases, description: "Logs the start, end and failure of a run")
        ])
    }

    func handle(method: String, params: JSONValue) async throws(RPCError) -> JSONValue {
        let context = params["context"]
        let pipeline = context?["pipeline"]?["name"]?.stringValue ?? "?"
        let runID = context?["run_id"]?.stringValue ?? "?"
        switch method {
        case ProtocolMethod.hook(.preRun):
            let kind = context?["source_kind"]?.stringValue ?? "?"
            let destination = context?["pipeline"]?["destination"]?.stringValue ?? "?"
            let dataset = context?["pipeline"]?["dataset"]?.stringValue ?? "?"
            console.log(
                .info, source: "log",
                "run started: pipeline=\(pipeline) kind=\(kind) destination=\(destination) dataset=\(dataset) run_id=\(runID)"
            )
        case ProtocolMethod.hook(.postRun):
            let status = params["result"]?["status"]?.stringValue ?? "?"
            let message = params["result"]?["message"]?.stringValue.map { ": \($0)" } ?? ""
            console.log(.info, source: "log", "run finished: pipeline=\(pipeline) status=\(status)\(message)")
        case ProtocolMethod.hook(.onError):
            let message = params["error"]?["message"]?.stringValue ?? "unknown error"
            console.log(.error, source: "log", "run failed: pipeline=\(pipeline): \(message)")
        default:
            throw RPCError(code: RPCErrorCode.methodNotFound, message: "method not found: \(method)")
        }
        return HookOutcome(ok: true).json
    }
}
