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
        guard let event = HookEvent(method: method) else { throw RPCError(methodNotFound: method) }
        let request: HookParams
        do {
            request = try HookParams(event: event, json: params)
        } catch {
            throw RPCError(invalidParams: error)
        }
        let context = request.context
        let pipeline = context.pipeline.name ?? "?"
        let runID = Self.shown(context.runID)
        switch event {
        case .preRun:
            let kind = Self.shown(context.sourceKind)
            let destination = context.pipeline.destination ?? "?"
            let dataset = context.pipeline.dataset ?? "?"
            console.log(
                .info, source: "log",
                "run started: pipeline=\(pipeline) kind=\(kind) destination=\(destination) dataset=\(dataset) run_id=\(runID)"
            )
        case .postRun:
            let status = request.result?["status"]?.stringValue ?? "?"
            let message = request.result?["message"]?.stringValue.map { ": \($0)" } ?? ""
            console.log(.info, source: "log", "run finished: pipeline=\(pipeline) status=\(status)\(message)")
        case .onError:
            // The first line only: a plugin's stderr tail under it was printed live already, and the summary (or
            // the result document) holds the whole message.
            let message = request.error?.message.split(separator: "\n").first.map(String.init) ?? "unknown error"
            console.log(.error, source: "log", "run failed: pipeline=\(pipeline): \(message)")
        }
        return HookOutcome(ok: true).json
    }

    /// A context member as the log line shows it: `?` when empty.
    private static func shown(_ text: String) -> String {
        text.isEmpty ? "?" : text
    }
}
