import DltafClients
import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import DltafSQLDB

/// The online checks that apply (adjusted by the manifest's selection), concurrently; any error fails the run
/// (exit 3).
struct OnlineChecksPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let context = state.context else { return .proceed }
        let timeout = state.request.checkTimeout
        let applicability = await OnlineChecks.applicability(prepared, context: context, timeout: timeout)
        let selected = OnlineChecks.select(prepared, applicability: applicability)
        guard !selected.isEmpty else { return .proceed }
        let report = await OnlineChecks.run(prepared, selected: selected, context: context, timeout: timeout)
        state.result.checks = report
        state.lap("checks")
        if state.cancellation.isCancelled { return .failed(RunOrchestrator.cancelledError) }
        state.result.warnings += report.warnings.map { "check \($0)" }
        let console = orchestrator.console
        guard report.ok else {
            for error in report.errors { console.log(.error, source: "checks", error) }
            return .failed(
                RunError(
                    .connectivity, code: "online_checks_failed",
                    message: "online checks failed: " + report.errors.joined(separator: "; "), exitCode: .checksFailed))
        }
        console.log(
            .info, source: "checks", "\(selected.count) online check(s) passed: \(selected.joined(separator: ", "))")
        return .proceed
    }
}

/// `pre_run` on each selected hook in order; the first `ok: false` answer (or failed call) vetoes the run.
struct PreRunHooksPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let context = state.context else { return .proceed }
        let hooks = HookPipeline(
            prepared: prepared, context: context, timeout: state.request.hookTimeout,
            console: orchestrator.console)
        state.hooks = hooks
        let pre = await hooks.preRun()
        state.hooksReached = pre.reached
        state.result.hooks += pre.calls
        state.lap("pre_run")
        if state.cancellation.isCancelled { return .failed(RunOrchestrator.cancelledError) }
        guard let veto = pre.veto else { return .proceed }
        let why = veto.outcome.message ?? "no reason given"
        return .failed(
            RunError(
                veto.failure == nil ? .policy : .unknown, code: veto.failure == nil ? "hook_veto" : "hook_failed",
                message: "hook \(veto.hook) stopped the run in pre_run: \(why)", exitCode: .runFailed))
    }
}

/// The runner's `runner/run`, with the credentials resolved from `connections` for it alone.
struct RunnerPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let context = state.context,
            let runner = prepared.catalog.runners[prepared.runnerKind]
        else {
            return .finished  // Only plans go on without a runner, and they have ended already.
        }
        if case .builtin(let builtin) = runner.provider, builtin is SQLDBRunner {
            return await runInProcess(prepared, &state)
        }
        let handle: PluginHandle? = if case .plugin(let handle) = runner.provider { handle } else { nil }
        let params = RunnerRunParams(
            kind: prepared.runnerKind, manifest: prepared.manifest.value, context: context,
            // The credentials resolved from `connections`, for this runner only (PROTOCOL.md: `runner/run`'s env).
            env: prepared.secrets, data: state.load?.parameters)
        var outcome = PhaseOutcome.proceed
        do throws(PluginFailure) {
            let answer = try await runner.provider.call(
                ProtocolMethod.runnerRun, params: params.json, timeout: state.request.runTimeout)
            let reported: RunOutcome
            do {
                reported = try RunOutcome(json: answer)
            } catch {
                throw PluginFailure(
                    plugin: runner.provider.name, method: ProtocolMethod.runnerRun,
                    reason: .protocolViolation(error.reason))
            }
            outcome = apply(reported, to: &state.result)
        } catch {
            outcome = .failed(state.failure(RunnerFailure.classify(error, code: "runner_failed")))
        }
        state.result.state = handle?.lastState
        if let plane = state.load {
            plane.stopServing()
            // A data request that failed fails the run, whatever the runner answered afterwards; it is also the
            // root cause when the runner failed because of it.
            if let error = plane.error, !state.cancellation.isCancelled { outcome = .failed(error) }
        }
        state.lap("run")
        // A failure is not logged here: the `log` hook's on_error line says it on stderr, and the summary or the
        // result document on stdout.
        return outcome
    }

    /// The built-in `sqldb` runner: the source opened from the run's credentials, its rows loaded through the
    /// run's load session on a thread off Swift's pool.
    private func runInProcess(_ prepared: PreparedRun, _ state: inout RunState) async -> PhaseOutcome {
        guard let plane = state.load else { return .failed(RunOrchestrator.cancelledError) }
        let manifest = prepared.manifest
        let configuration: SQLDBConfiguration
        do throws(SQLDBConfigurationError) {
            configuration = try SQLDBConfiguration(manifest: manifest.value, directory: manifest.directory)
        } catch {
            return .failed(
                RunError(.config, code: "manifest_invalid", message: error.description, exitCode: .usageOrManifest))
        }
        let variables = state.request.environment.merging(prepared.secrets) { _, resolved in resolved }
        let cancellation = state.cancellation
        let outcome = await runBlocking { _ in
            let source: any SQLSource
            do throws(SQLSourceError) {
                source = try SourceConnection.open(variables, directory: manifest.directory)
            } catch {
                return SQLDBRun.failure(error)
            }
            defer { source.close() }
            return SQLDBRun(
                configuration: configuration, source: source, session: plane.session,
                isCancelled: { cancellation.isCancelled },
                progress: { stream, rows in plane.progress.add(rows, to: stream) }
            ).run()
        }
        var phase = apply(outcome, to: &state.result)
        if let handleError = plane.error { phase = .failed(handleError) }
        if state.cancellation.isCancelled { phase = .failed(RunOrchestrator.cancelledError) }
        state.lap("run")
        return phase
    }

    /// The runner's answer in the result; a `failed` status fails the run.
    private func apply(_ outcome: RunOutcome, to result: inout RunResult) -> PhaseOutcome {
        result.loadMetrics = outcome.loadMetrics.map { .object($0) }
        result.tableStats = outcome.tableStats.isEmpty ? nil : .array(outcome.tableStats)
        result.warnings += outcome.warnings
        result.runner?.outcome = outcome
        switch outcome.status {
        case .success, .partialSuccess:
            result.status = outcome.status == .success ? .success : .partialSuccess
            result.exitCode = .success
            result.message = outcome.message ?? "run finished"
            return .proceed
        case .failed:
            // The runner classifies its own failure; without a category or code it is UNKNOWN/runner_reported_failure.
            var error = RunError(
                outcome.category ?? .unknown, code: outcome.code ?? "runner_reported_failure",
                message: outcome.message ?? "the runner reported failure", exitCode: .runFailed)
            error.retryable = outcome.retryable
            return .failed(error)
        }
    }
}

/// After the run: `post_run` in reverse order when it succeeded, `on_error` in reverse order when it failed
/// (including a veto or a cancel), each only for the hooks `pre_run` reached. Failures become warnings.
struct AfterRunHooksPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard var hooks = state.hooks else { return .proceed }
        let result = state.result
        if let error = result.error {
            // After a cancel the on_error hooks still run, but briefly: the user asked to stop.
            if state.cancellation.isKilled {
                state.lap("on_error")
                return .proceed
            }
            if state.cancellation.isCancelled { hooks.timeout = min(hooks.timeout, .seconds(5)) }
            let failure = HookParams.Failure(message: error.message, category: error.category, code: error.code)
            let calls = await hooks.after(.onError, reached: state.hooksReached, result: result.json, error: failure)
            record(calls, event: "on_error", in: &state)
            state.lap("on_error")
        } else {
            let calls = await hooks.after(.postRun, reached: state.hooksReached, result: result.json)
            record(calls, event: "post_run", in: &state)
            state.lap("post_run")
        }
        return .proceed
    }

    private func record(_ calls: [HookCall], event: String, in state: inout RunState) {
        state.result.hooks += calls
        for call in calls where !call.outcome.ok {
            state.result.warnings.append("hook \(call.hook) \(event): \(call.outcome.message ?? "failed")")
        }
    }
}

/// Classifies a failed plugin call into the run's error taxonomy.
enum RunnerFailure {
    /// `failure` as a run error: timeouts, the plugin's own category and code, exits and protocol violations.
    static func classify(_ failure: PluginFailure, code: String) -> RunError {
        var category = ErrorCategory.unknown
        var errorCode = code
        var retryable: Bool?
        switch failure.reason {
        case .timeout:
            category = .timeout
            errorCode = "plugin_timeout"
        case .rpcError(let error):
            let data = HandlerFailure(data: error.data)
            if let parsed = data.category { category = parsed }
            if let pluginCode = data.code { errorCode = pluginCode }
            retryable = error.data?["retryable"]?.boolValue
        case .exitedWithoutResult: errorCode = "plugin_exited"
        case .protocolViolation: errorCode = "protocol_violation"
        default: break
        }
        var error = RunError(category, code: errorCode, message: failure.description, exitCode: .runFailed)
        error.retryable = retryable
        return error
    }
}
