import DltafClients
import DltafJSON
import DltafLoad
import DltafManifest
import DltafPluginHost
import DltafProtocol

/// Opens the destination for a runner that speaks `data.v1` (PROTOCOL.md §8): reads the committed state for
/// `runner/run` and serves the runner's `data/*` requests. A runner without the feature loads its rows itself,
/// as before; so does a runner whose manifest names a destination dltaf does not write (its `data/*` requests
/// are refused with a clear error).
struct OpenLoadPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let provider = prepared.catalog.runners[prepared.runnerKind]?.provider
        else { return .proceed }
        let handle: PluginHandle?
        switch provider {
        case .plugin(let plugin) where plugin.handshake.features.contains(ProtocolFeature.data): handle = plugin
        case .builtin(let builtin) where builtin is SQLDBRunner: handle = nil
        default: return .proceed
        }
        let manifest = prepared.manifest
        let destinationName = LoadTarget.name(of: manifest)
        guard LoadTarget.supported.contains(destinationName) else {
            guard let handle else {
                // The built-in runner has nowhere else to put its rows.
                do throws(RunError) {
                    _ = try LoadTarget.configuration(of: manifest, environment: [:])
                } catch {
                    return .failed(error)
                }
                return .proceed
            }
            let why =
                "the runner speaks data.v1 but dltaf does not load destination \"\(destinationName)\" (it loads "
                + LoadTarget.supported.joined(separator: ", ") + "); its data/* requests will be refused"
            orchestrator.console.log(.warning, source: "load", why)
            handle.connection.serveRequests { method, _ in
                .failure(DataErrorCode.destinationFailed.error("\(method): \(why)"))
            }
            return .proceed
        }
        let environment = state.request.environment.merging(prepared.secrets) { _, resolved in resolved }
        let plane: LoadPlane
        do throws(RunError) {
            let destination = try LoadTarget.configuration(of: manifest, environment: environment)
            let runID = state.result.runID
            let console = orchestrator.console
            let opened = await runBlocking { _ in
                Result { () throws(RunError) in
                    try LoadPlane.open(
                        destination: destination, pipeline: manifest.pipelineName ?? "",
                        dataset: LoadTarget.dataset(of: manifest), runID: runID,
                        writeDisposition: manifest.writeDisposition,
                        schemaContract: manifest.value(at: ["run", "schema_contract"])?.stringValue, console: console)
                }
            }
            plane = try opened.get()
        } catch {
            return .failed(error)
        }
        state.load = plane
        handle?.connection.serveRequests(plane.handle)
        state.lap("open_destination")
        return .proceed
    }
}

/// After the runner: commits the load when the run succeeded (the tail after the last checkpoint, `replace`
/// swaps), rolls it back otherwise; the tables' figures go into the result.
struct CommitLoadPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let plane = state.load else { return .proceed }
        plane.stopServing()
        let succeeded = state.result.error == nil && [.success, .partialSuccess].contains(state.result.status)
        guard succeeded else {
            await runBlocking { _ in plane.abort() }
            state.lap("rollback")
            return .proceed
        }
        switch await runBlocking({ _ in plane.finish() }) {
        case .success(let summary):
            state.result.load = summary
            state.lap("commit")
            return .proceed
        case .failure(let error):
            state.lap("commit")
            return .failed(error)
        }
    }
}
