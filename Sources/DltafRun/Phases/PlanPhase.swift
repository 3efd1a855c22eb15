import DltafJSON
import DltafManifest
import DltafProtocol
import DltafSecrets

/// `--plan`, `--dry-run` and `--dry-run-online`: the plan; for dry runs the offline checks (and the online
/// ones); with `--dry-run-strict` any error fails the run (exit 3, `CONFIG/dry_run_strict_failed`).
///
/// Without `--dry-run-strict` errors are reported, not fatal, as in the Python dltaf.
struct PlanPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let context = state.context else { return .finished }
        let request = state.request
        let applicability = await OnlineChecks.applicability(
            prepared, context: context, timeout: request.checkTimeout)
        var plan = PlanBuilder.plan(
            prepared, request: request, applicability: applicability,
            environment: state.result.environment ?? ResolvedEnvironment())
        guard request.mode != .plan else {
            state.result.plan = plan
            state.result.status = .planned
            state.result.exitCode = .success
            state.result.message = "plan ready; nothing was run"
            return .finished
        }
        let offline = DryRunChecks.run(prepared.manifest, environment: Self.runnerEnvironment(prepared, request))
        var errors = offline.errors
        var warnings = offline.warnings
        var online: CheckReport?
        state.lap("dry_run_checks")
        if request.mode == .dryRunOnline {
            let selected = OnlineChecks.select(prepared, applicability: applicability)
            if selected.isEmpty {
                warnings.append("no online check applies to this manifest; nothing was checked online")
            } else {
                let report = await OnlineChecks.run(
                    prepared, selected: selected, context: context,
                    timeout: request.onlineTimeout ?? request.checkTimeout)
                state.result.checks = report
                online = report
                errors += report.errors
                warnings += report.warnings
                state.lap("checks")
            }
            if state.cancellation.isCancelled { return .failed(RunOrchestrator.cancelledError) }
        }
        var report: JSONObject = [
            "ok": .bool(errors.isEmpty), "errors": .array(errors.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }), "offline": offline.json,
        ]
        if let online { report["online"] = online.json }
        if case .object(var object) = plan {
            object["dry_run"] = .object(report)
            plan = .object(object)
        }
        state.result.plan = plan
        let console = orchestrator.console
        for warning in warnings {
            console.log(.warning, source: "dry-run", warning)
            state.result.warnings.append("dry-run: \(warning)")
        }
        for error in errors { console.log(.error, source: "dry-run", error) }
        if request.dryRunStrict, !errors.isEmpty {
            return .failed(
                RunError(
                    .config, code: "dry_run_strict_failed",
                    message: "Dry-run strict checks failed:\n" + errors.map { "- \($0)" }.joined(separator: "\n"),
                    exitCode: .checksFailed))
        }
        if !request.dryRunStrict {
            for error in errors { state.result.warnings.append("dry-run error: \(error)") }
        }
        state.result.status = request.mode == .dryRunOnline ? .dryRunOnline : .dryRun
        state.result.exitCode = .success
        state.result.message =
            errors.isEmpty
            ? "dry run passed; nothing was loaded"
            : "dry run found \(errors.count) error(s) (--dry-run-strict makes them fatal); nothing was loaded"
        return .finished
    }

    /// What the runner's process will see: the resolved variables, plus what its settings grant it (and, with
    /// `inherit_env`, dltaf's whole environment).
    static func runnerEnvironment(_ prepared: PreparedRun, _ request: RunRequest) -> [String: String] {
        var environment: [String: String] = [:]
        let provider = prepared.catalog.runners[prepared.runnerKind]?.provider
        let settings: PluginSettings? = if case .plugin(let handle)? = provider { handle.settings } else { nil }
        if settings?.inheritEnvironment == true { environment = request.environment }
        environment.merge(prepared.secrets) { _, resolved in resolved }
        environment.merge(settings?.environment ?? [:]) { _, granted in granted }
        return environment
    }
}
