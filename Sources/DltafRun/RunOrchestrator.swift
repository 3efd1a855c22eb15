import DltafJSON
import DltafManifest
public import DltafPluginHost
import DltafProtocol
import DltafSecrets
import Foundation

/// Runs one manifest end to end, as a list of phases on one `RunState` (see `Phases/`):
/// load (templating, `--set`, validation, redactor) → secrets → start plugins → the runner's own validate →
/// mode (validate-only and plans end here) → online checks → `pre_run` hooks in order (a hook can veto) →
/// runner → `post_run` in reverse on success, `on_error` in reverse on failure (including a runner that reports
/// `failed`) → shutdown → result.
public struct RunOrchestrator: Sendable {
    /// Where live logs go.
    public let console: Console
    /// How plugin processes are started.
    public let launcher: any ProcessLauncher
    /// dltaf's version, sent in the handshake.
    public let hostVersion: String

    /// Creates an orchestrator.
    public init(console: Console, launcher: any ProcessLauncher = FoundationProcessLauncher(), hostVersion: String) {
        self.console = console
        self.launcher = launcher
        self.hostVersion = hostVersion
    }

    /// The phases of a real run, in order. Plans and `--validate-only` end in `ModePhase`.
    static let phases: [any RunPhase] = [
        LoadPhase(), SecretsPhase(), StartPluginsPhase(), RunnerValidatePhase(), ModePhase(), OnlineChecksPhase(),
        PreRunHooksPhase(), OpenLoadPhase(), RunnerPhase(),
    ]

    /// Runs `request` and returns its result; never throws, every failure is in the result.
    ///
    /// - Parameter cancellation: signals stop the run through it (see `RunCancellation`).
    public func run(_ request: RunRequest, cancellation: RunCancellation? = nil) async -> RunResult {
        let cancellation = cancellation ?? RunCancellation(console: console)
        var state = RunState(
            request: request, cancellation: cancellation,
            result: RunResult(runID: UUID().uuidString.lowercased(), mode: request.mode.rawValue, startedAt: Date()))
        // Secrets known before the manifest: values of sensitive variables in dltaf's environment.
        state.result.redactor = ManifestSession.environmentRedactor(request.environment)
        phases: for phase in Self.phases {
            switch await phase.run(&state, self) {
            case .proceed:
                guard cancellation.isCancelled else { continue }
                state.result.fail(Self.cancelledError)
                break phases
            case .finished: break phases
            case .failed(let error):
                state.result.fail(error)
                break phases
            }
        }
        if case .failed(let error) = await CommitLoadPhase().run(&state, self) { state.result.fail(error) }
        _ = await AfterRunHooksPhase().run(&state, self)
        if let prepared = state.prepared {
            state.result.plugins = await prepared.plugins.shutdownAll(announce: cancellation.isCancelled)
            // Misbehaviour that failed no call (stdout noise, suppressed log lines) is a warning of the result.
            state.result.warnings += prepared.plugins.handles.flatMap(\.log.warnings)
            state.lap("shutdown")
        }
        state.result.finishedAt = Date()
        state.clock.total(into: &state.result)
        _ = await AuditPhase().run(&state, self)
        return state.result
    }

    /// The error of a cancelled run (exit 130).
    static let cancelledError = RunError(
        .cancelled, code: "cancelled", message: "the run was cancelled", exitCode: .cancelled)
}
