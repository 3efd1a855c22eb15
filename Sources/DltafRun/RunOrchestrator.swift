import DltafJSON
import DltafManifest
public import DltafPluginHost
import DltafProtocol
import DltafSecrets
import Foundation

/// Runs one manifest end to end:
/// load → overrides → validate (with the runner's own validate) → online checks → `pre_run` hooks in order
/// (a hook can veto) → runner → `post_run` in reverse on success, `on_error` in reverse on failure
/// (including a runner that reports `failed`) → result.
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

    /// Runs `request` and returns its result; never throws, every failure is in the result.
    ///
    /// - Parameter cancellation: signals stop the run through it (see `RunCancellation`).
    public func run(_ request: RunRequest, cancellation: RunCancellation? = nil) async -> RunResult {
        let cancellation = cancellation ?? RunCancellation(console: console)
        let runID = UUID().uuidString.lowercased()
        let startedAt = Date()
        var result = RunResult(runID: runID, mode: request.mode.rawValue, startedAt: startedAt)
        var clock = PhaseClock()
        // Secrets known before the manifest: values of sensitive variables in dltaf's environment.
        result.redactor = Redactor(secrets: Redactor.secrets(inEnvironment: request.environment))
        console.setRedactor(result.redactor)
        do throws(RunError) {
            let manifest = try PreparedRun.loadManifest(request)
            // And those of the manifest (after --set): values under sensitive keys, granted plugin variables,
            // contents of ${FILE:...} files.
            result.redactor = result.redactor.adding(
                secrets: Redactor.secrets(in: manifest.value) + manifest.secretValues)
            console.setRedactor(result.redactor)
            result.manifestPath = manifest.file
            result.pipelineName = manifest.pipelineName
            result.sourceKind = manifest.sourceKind
            for warning in manifest.warnings {
                console.log(.warning, source: "manifest", warning.description)
                result.warnings.append(warning.description)
            }
            clock.lap("load", into: &result)
            let secrets = try await resolveSecrets(manifest, request: request, result: &result)
            if request.mode != .validateOnly { clock.lap("secrets", into: &result) }
            let prepared: PreparedRun
            do throws(RunError) {
                prepared = try await PreparedRun.prepare(
                    manifest: manifest, request: request, runID: runID, console: console, launcher: launcher,
                    hostVersion: hostVersion, cancellation: cancellation, secrets: secrets)
            } catch {
                throw cancellation.isCancelled ? Self.cancelledError : error
            }
            clock.lap("start_plugins", into: &result)
            let run = Execution(
                orchestrator: self, prepared: prepared, request: request, cancellation: cancellation)
            await run.execute(result: &result, clock: &clock)
            result.plugins = await prepared.plugins.shutdownAll(announce: cancellation.isCancelled)
            clock.lap("shutdown", into: &result)
        } catch {
            result.fail(error)
            console.log(.error, source: "dltaf", error.message)
        }
        result.finishedAt = Date()
        clock.total(into: &result)
        return result
    }

    /// Resolves `connections` (not for `--validate-only`, as in the Python dltaf): registers the secret values
    /// with the redactor, reports warnings and, with `--explain-config`, where each variable came from.
    private func resolveSecrets(_ manifest: Manifest, request: RunRequest, result: inout RunResult)
        async throws(RunError) -> [String: String]
    {
        guard request.mode != .validateOnly else { return [:] }
        let resolution = try await RunSecrets.resolve(manifest, request: request)
        result.redactor = result.redactor.adding(secrets: resolution.environment.secretValues)
        console.setRedactor(result.redactor)
        for warning in resolution.warnings {
            console.log(.warning, source: "secrets", warning)
            result.warnings.append(warning)
        }
        result.environment = resolution.environment
        result.explainConfig = request.explainConfig
        if request.explainConfig { RunSecrets.explain(resolution.environment, console: console) }
        return resolution.environment.values
    }

    /// The error of a cancelled run (exit 130).
    static let cancelledError = RunError(
        .cancelled, code: "cancelled", message: "the run was cancelled", exitCode: .cancelled)
}

/// One run of a prepared manifest: the phases after plugins have started.
struct Execution {
    let orchestrator: RunOrchestrator
    let prepared: PreparedRun
    let request: RunRequest
    let cancellation: RunCancellation

    var console: Console { orchestrator.console }

    /// Ends the run as cancelled when a signal arrived; true if it did.
    func stopIfCancelled(_ result: inout RunResult) -> Bool {
        guard cancellation.isCancelled else { return false }
        result.fail(RunOrchestrator.cancelledError)
        return true
    }

    func execute(result: inout RunResult, clock: inout PhaseClock) async {
        let context = CallContext.make(
            manifest: prepared.manifest, runID: result.runID, startedAt: result.startedAt, mode: request.mode)
        let runner = prepared.catalog.runners[prepared.runnerKind]
        result.runner = ["kind": .string(prepared.runnerKind), "origin": .string(runner?.provider.origin ?? "none")]
        if runner == nil {
            // Only a plan of a built-in kind gets here (PreparedRun.resolveRunner): say what a run will need.
            guard request.mode.isPlanMode else { return }
            let note =
                "no runner plugin serves source.kind \"\(prepared.runnerKind)\" here: the plan and checks are shown, "
                + "a real run needs a runner plugin for it (run.runners.plugins or DLT_RUNNER_PLUGINS)"
            console.log(.warning, source: "plan", note)
            result.warnings.append(note)
        }

        // The runner's own validation.
        if let runner {
            do throws(PluginFailure) {
                let located = try await runner.provider.validate(
                    kind: prepared.runnerKind, manifest: prepared.manifest, context: context,
                    timeout: request.validateTimeout)
                for finding in located where finding.severity == .warning {
                    console.log(.warning, source: prepared.runnerKind, finding.description)
                    result.warnings.append(finding.description)
                }
                let errors = located.filter { $0.severity == .error }
                guard errors.isEmpty else {
                    result.fail(
                        RunError(
                            .config, code: "runner_validation_failed",
                            message: "the \(prepared.runnerKind) runner rejected the manifest:\n"
                                + errors.map(\.description).joined(separator: "\n"),
                            diagnostics: errors, exitCode: .usageOrManifest))
                    return
                }
            } catch {
                if !stopIfCancelled(&result) { result.fail(runFailure(error, code: "runner_validate_failed")) }
                return
            }
        }
        clock.lap("validate", into: &result)
        if stopIfCancelled(&result) { return }

        switch request.mode {
        case .validateOnly:
            result.status = .success
            result.exitCode = .success
            result.message = "manifest is valid"
            return
        case .plan, .dryRun, .dryRunOnline:
            await planOrDryRun(context: context, result: &result, clock: &clock)
            return
        case .run:
            break
        }
        guard let runner else { return }  // Served: only plans go on without a runner.

        // Online checks.
        let applicability = await OnlineChecks.applicability(prepared, context: context, timeout: request.checkTimeout)
        let selected = OnlineChecks.select(prepared, applicability: applicability)
        if !selected.isEmpty {
            let (ok, report) = await OnlineChecks.run(
                prepared, selected: selected, context: context, timeout: request.checkTimeout)
            result.checks = report
            clock.lap("checks", into: &result)
            if stopIfCancelled(&result) { return }
            for warning in report["warnings"]?.arrayValue ?? [] {
                result.warnings.append("check \(warning.stringValue ?? "")")
            }
            guard ok else {
                let errors = (report["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
                for error in errors { console.log(.error, source: "checks", error) }
                result.fail(
                    RunError(
                        .connectivity, code: "online_checks_failed",
                        message: "online checks failed: " + errors.joined(separator: "; "), exitCode: .checksFailed))
                return
            }
            console.log(
                .info, source: "checks", "\(selected.count) online check(s) passed: \(selected.joined(separator: ", "))"
            )
        }
        if stopIfCancelled(&result) { return }
        let hooks = HookPipeline(prepared: prepared, context: context, timeout: request.hookTimeout, console: console)
        let pre = await hooks.preRun()
        result.hooks += pre.calls.map(\.json)
        clock.lap("pre_run", into: &result)
        if stopIfCancelled(&result) {
            await runOnError(hooks, reached: pre.reached, result: &result)
            clock.lap("on_error", into: &result)
            return
        }
        if let veto = pre.veto {
            let why = veto.outcome.message ?? "no reason given"
            result.fail(
                RunError(
                    veto.failure == nil ? .policy : .unknown, code: veto.failure == nil ? "hook_veto" : "hook_failed",
                    message: "hook \(veto.hook) stopped the run in pre_run: \(why)", exitCode: .runFailed))
            await runOnError(hooks, reached: pre.reached, result: &result)
            clock.lap("on_error", into: &result)
            return
        }

        // The runner.
        let handle: PluginHandle? = if case .plugin(let handle) = runner.provider { handle } else { nil }
        let runParams = RunnerRunParams(
            kind: prepared.runnerKind, manifest: prepared.manifest.value, context: context,
            // The credentials resolved from `connections`, for this runner only (PROTOCOL.md: `runner/run`'s env).
            env: prepared.secrets)
        do throws(PluginFailure) {
            let answer = try await runner.provider.call(
                ProtocolMethod.runnerRun, params: runParams.json, timeout: request.runTimeout)
            let outcome: RunOutcome
            do {
                outcome = try RunOutcome(json: answer)
            } catch {
                throw PluginFailure(
                    plugin: runner.provider.origin, method: ProtocolMethod.runnerRun,
                    reason: .protocolViolation(error.reason))
            }
            apply(outcome, to: &result)
        } catch {
            if !stopIfCancelled(&result) { result.fail(runFailure(error, code: "runner_failed")) }
        }
        result.state = handle?.lastState
        clock.lap("run", into: &result)

        if result.status == .failed || result.status == .cancelled {
            console.log(.error, source: prepared.runnerKind, result.message)
            await runOnError(hooks, reached: pre.reached, result: &result)
            clock.lap("on_error", into: &result)
        } else {
            let calls = await hooks.after(.postRun, reached: pre.reached, result: result.json)
            result.hooks += calls.map(\.json)
            for call in calls where !call.outcome.ok {
                result.warnings.append("hook \(call.hook) post_run: \(call.outcome.message ?? "failed")")
            }
            clock.lap("post_run", into: &result)
        }
    }

    private func runOnError(_ hooks: HookPipeline, reached: Int, result: inout RunResult) async {
        // After a cancel the on_error hooks still run, but briefly: the user asked to stop.
        var hooks = hooks
        if cancellation.isCancelled { hooks.timeout = min(hooks.timeout, .seconds(5)) }
        if cancellation.isKilled { return }
        let error = result.error
        let payload = HookParams.Failure(
            message: error?.message ?? result.message, category: error?.category ?? .unknown,
            code: error?.code ?? "runner_failed")
        let calls = await hooks.after(.onError, reached: reached, result: result.json, error: payload)
        result.hooks += calls.map(\.json)
        for call in calls where !call.outcome.ok {
            result.warnings.append("hook \(call.hook) on_error: \(call.outcome.message ?? "failed")")
        }
    }

    private func apply(_ outcome: RunOutcome, to result: inout RunResult) {
        result.loadMetrics = outcome.loadMetrics.map { .object($0) }
        result.tableStats = outcome.tableStats.isEmpty ? nil : .array(outcome.tableStats)
        result.warnings += outcome.warnings
        if var runner = result.runner?.objectValue {
            runner["outcome"] = outcome.json
            result.runner = .object(runner)
        }
        switch outcome.status {
        case .success, .partialSuccess:
            result.status = outcome.status == .success ? .success : .partialSuccess
            result.exitCode = .success
            result.message = outcome.message ?? "run finished"
        case .failed:
            result.fail(
                RunError(
                    .unknown, code: "runner_reported_failure",
                    message: outcome.message ?? "the runner reported failure",
                    exitCode: .runFailed))
        }
    }

    private func runFailure(_ failure: PluginFailure, code: String) -> RunError {
        var category = ErrorCategory.unknown
        var errorCode = code
        switch failure.reason {
        case .timeout:
            category = .timeout
            errorCode = "plugin_timeout"
        case .rpcError(let error):
            let data = HandlerFailure(data: error.data)
            if let parsed = data.category { category = parsed }
            if let pluginCode = data.code { errorCode = pluginCode }
        case .exitedWithoutResult: errorCode = "plugin_exited"
        case .protocolViolation: errorCode = "protocol_violation"
        default: break
        }
        return RunError(category, code: errorCode, message: failure.description, exitCode: .runFailed)
    }

}

/// Measures the phases of a run.
struct PhaseClock {
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
