import DltafClients
import DltafLoad
import DltafProtocol

/// The last step of every run: its audit record, where its rows went (or the local store). Failing to write it
/// is a warning; it never changes the run's outcome.
struct AuditPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        let store = state.load?.destination ?? RunAudit.localStore(besideManifest: state.request.manifestPath)
        let (record, units) = RunAudit.rows(
            of: state.result, manifest: state.session?.manifest, mode: state.request.mode)
        let failure: LoadError? = await runBlocking { _ in
            do throws(LoadError) {
                try AuditStore(destination: store).record(record, units: units)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            let warning = "the run audit could not be written (\(store.name)): \(failure.message)"
            orchestrator.console.log(.warning, source: "audit", warning)
            state.result.warnings.append(warning)
        }
        return .proceed
    }
}
