import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation

/// One step of a run. The orchestrator calls the phases in order on one `RunState`; a phase either lets the
/// run go on, ends it with the result it has set, or fails it.
protocol RunPhase: Sendable {
    /// Does the phase's work on `state`.
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome
}

/// What a phase decided.
enum PhaseOutcome: Sendable {
    /// The next phase runs.
    case proceed
    /// The run is over and `state.result` says how (validate-only, plans, a plan without a runner).
    case finished
    /// The run failed with this error.
    case failed(RunError)
}

/// What the phases of one run share: the request, the result being built, and what each phase leaves for the
/// ones after it. JSON appears only at the edges (plugin calls, the result document).
struct RunState: Sendable {
    /// What was asked.
    let request: RunRequest
    /// Signals stop the run through it.
    let cancellation: RunCancellation
    /// The result in progress.
    var result: RunResult
    /// Measures each phase.
    var clock = PhaseClock()
    /// The manifest and its redactor, once loaded.
    var session: ManifestSession?
    /// The plugins and names, once started.
    var prepared: PreparedRun?
    /// The `context` every call carries, once plugins are started.
    var context: CallContext?
    /// The hooks of the run, once `pre_run` began.
    var hooks: HookPipeline?
    /// The rows of the run, when the runner speaks `data.v1` and dltaf loads its destination.
    var load: LoadPlane?
    /// How many hooks `pre_run` reached: `on_error` and `post_run` go to those.
    var hooksReached = 0

    /// Records the time since the last lap as `phase`.
    mutating func lap(_ phase: String) { clock.lap(phase, into: &result) }

    /// `error`, or the cancellation error when a signal arrived (a call cut short by a cancel fails too).
    func failure(_ error: RunError) -> RunError {
        cancellation.isCancelled ? RunOrchestrator.cancelledError : error
    }
}

/// Measures the phases of a run.
struct PhaseClock: Sendable {
    private let start = ContinuousClock.now
    private var last = ContinuousClock.now

    mutating func lap(_ phase: String, into result: inout RunResult) {
        let now = ContinuousClock.now
        result.timings.append((phase, last.duration(to: now).milliseconds))
        last = now
    }

    func total(into result: inout RunResult) {
        result.timings.append(("total", start.duration(to: .now).milliseconds))
    }
}
