import DltafJSON
import DltafManifest
import DltafProtocol
import DltafSecrets

extension Execution {
    /// `--plan`, `--dry-run` and `--dry-run-online`: the plan; for dry runs the offline checks (and the online
    /// ones); with `--dry-run-strict` any error fails the run (exit 3, `CONFIG/dry_run_strict_failed`).
    ///
    /// Without `--dry-run-strict` errors are reported, not fatal, as in the Python dltaf.
    func planOrDryRun(context: CallContext, result: inout RunResult, clock: inout PhaseClock) async {
        let applicability = await OnlineChecks.applicability(prepared, context: context, timeout: request.checkTimeout)
        var plan = PlanBuilder.plan(
            prepared, request: request, applicability: applicability,
            environment: result.environment ?? ResolvedEnvironment())
        guard request.mode != .plan else {
            result.plan = plan
            result.status = .planned
            result.exitCode = .success
            result.message = "plan ready; nothing was run"
            return
        }
        let offline = DryRunChecks.run(prepared.manifest, environment: runnerEnvironment)
        var errors = offline.errors
        var warnings = offline.warnings
        var online: JSONValue?
        clock.lap("dry_run_checks", into: &result)
        if request.mode == .dryRunOnline {
            let selected = OnlineChecks.select(prepared, applicability: applicability)
            if selected.isEmpty {
                warnings.append("no online check applies to this manifest; nothing was checked online")
            } else {
                let (_, onlineReport) = await OnlineChecks.run(
                    prepared, selected: selected, context: context,
                    timeout: request.onlineTimeout ?? request.checkTimeout)
                result.checks = onlineReport
                online = onlineReport
                errors += (onlineReport["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
                warnings += (onlineReport["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
                clock.lap("checks", into: &result)
            }
            if stopIfCancelled(&result) { return }
        }
        var report: JSONObject = [
            "ok": .bool(errors.isEmpty), "errors": .array(errors.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }), "offline": offline.json,
        ]
        if let online { report["online"] = online }
        if case .object(var object) = plan {
            object["dry_run"] = .object(report)
            plan = .object(object)
        }
        result.plan = plan
        for warning in warnings {
            console.log(.warning, source: "dry-run", warning)
            result.warnings.append("dry-run: \(warning)")
        }
        for error in errors { console.log(.error, source: "dry-run", error) }
        if request.dryRunStrict, !errors.isEmpty {
            result.fail(
                RunError(
                    .config, code: "dry_run_strict_failed",
                    message: "Dry-run strict checks failed:\n" + errors.map { "- \($0)" }.joined(separator: "\n"),
                    exitCode: .checksFailed))
            return
        }
        if !request.dryRunStrict {
            for error in errors { result.warnings.append("dry-run error: \(error)") }
        }
        result.status = request.mode == .dryRunOnline ? .dryRunOnline : .dryRun
        result.exitCode = .success
        result.message =
            errors.isEmpty
            ? "dry run passed; nothing was loaded"
            : "dry run found \(errors.count) error(s) (--dry-run-strict makes them fatal); nothing was loaded"
    }

    /// What the runner's process will see: the resolved variables, plus what its settings grant it (and, with
    /// `inherit_env`, dltaf's whole environment).
    var runnerEnvironment: [String: String] {
        var environment: [String: String] = [:]
        let provider = prepared.catalog.runners[prepared.runnerKind]?.provider
        let settings: PluginSettings? = if case .plugin(let handle)? = provider { handle.settings } else { nil }
        if settings?.inheritEnvironment == true { environment = request.environment }
        environment.merge(prepared.secrets) { _, resolved in resolved }
        environment.merge(settings?.environment ?? [:]) { _, granted in granted }
        return environment
    }
}
