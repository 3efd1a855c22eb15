import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import DltafSecrets

/// Loads the manifest session: templating, `--set`, validation and the redactor.
struct LoadPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        let console = orchestrator.console
        let session: ManifestSession
        do throws(RunError) {
            session = try PreparedRun.openSession(state.request, console: console)
        } catch {
            console.log(.error, source: "dltaf", error.message)
            return .failed(error)
        }
        state.session = session
        state.result.redactor = session.redactor
        state.result.manifestPath = session.manifest.file
        state.result.pipelineName = session.manifest.pipelineName
        state.result.sourceKind = session.manifest.sourceKind
        for warning in session.manifest.warnings {
            console.log(.warning, source: "manifest", warning.description)
            state.result.warnings.append(warning.description)
        }
        state.lap("load")
        return .proceed
    }
}

/// Resolves `connections` (not for `--validate-only`, as in the Python dltaf): the redactor learns the secret
/// values; warnings are reported and, with `--explain-config`, where each variable came from.
struct SecretsPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard state.request.mode != .validateOnly, var session = state.session else { return .proceed }
        let console = orchestrator.console
        let resolution: ConnectionResolution
        do throws(RunError) {
            resolution = try await RunSecrets.resolve(&session, request: state.request)
        } catch {
            console.log(.error, source: "dltaf", error.message)
            return .failed(error)
        }
        state.session = session
        state.result.redactor = session.redactor
        console.setRedactor(session.redactor)
        for warning in resolution.warnings {
            console.log(.warning, source: "secrets", warning)
            state.result.warnings.append(warning)
        }
        state.result.environment = resolution.environment
        state.result.explainConfig = state.request.explainConfig
        if state.request.explainConfig { RunSecrets.explain(resolution.environment, console: console) }
        state.lap("secrets")
        return .proceed
    }
}

/// Starts every plugin of the manifest and resolves the runner, hooks and checks.
struct StartPluginsPhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let session = state.session else { return .proceed }
        let prepared: PreparedRun
        do throws(RunError) {
            prepared = try await PreparedRun.prepare(
                manifest: session.manifest, request: state.request, runID: state.result.runID,
                console: orchestrator.console, launcher: orchestrator.launcher, hostVersion: orchestrator.hostVersion,
                cancellation: state.cancellation, secrets: session.connections?.environment.values ?? [:])
        } catch {
            let failure = state.failure(error)
            orchestrator.console.log(.error, source: "dltaf", failure.message)
            return .failed(failure)
        }
        state.prepared = prepared
        state.context = CallContext.make(
            manifest: prepared.manifest, runID: state.result.runID, startedAt: state.result.startedAt,
            mode: state.request.mode)
        state.result.runner = RunnerReport(
            kind: prepared.runnerKind, origin: prepared.catalog.runners[prepared.runnerKind]?.provider.origin ?? "none")
        state.lap("start_plugins")
        return .proceed
    }
}

/// The runner's own `validate` (a plan of a built-in kind without a runner plugin says what a run will need).
struct RunnerValidatePhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        guard let prepared = state.prepared, let context = state.context else { return .proceed }
        let console = orchestrator.console
        guard let runner = prepared.catalog.runners[prepared.runnerKind] else {
            // Only a plan of a built-in kind gets here (PreparedRun.resolveRunner).
            guard state.request.mode.isPlanMode else { return .finished }
            let note =
                "no runner plugin serves source.kind \"\(prepared.runnerKind)\" here: the plan and checks are shown, "
                + "a real run needs a runner plugin for it (run.runners.plugins or DLT_RUNNER_PLUGINS)"
            console.log(.warning, source: "plan", note)
            state.result.warnings.append(note)
            state.lap("validate")
            return .proceed
        }
        let located: [ManifestDiagnostic]
        do throws(PluginFailure) {
            located = try await runner.provider.validate(
                kind: prepared.runnerKind, manifest: prepared.manifest, context: context,
                timeout: state.request.validateTimeout)
        } catch {
            return .failed(state.failure(RunnerFailure.classify(error, code: "runner_validate_failed")))
        }
        for finding in located where finding.severity == .warning {
            console.log(.warning, source: prepared.runnerKind, finding.description)
            state.result.warnings.append(finding.description)
        }
        let errors = located.filter { $0.severity == .error }
        guard errors.isEmpty else {
            return .failed(
                RunError(
                    .config, code: "runner_validation_failed",
                    message: "the \(prepared.runnerKind) runner rejected the manifest:\n"
                        + errors.map(\.description).joined(separator: "\n"),
                    diagnostics: errors, exitCode: .usageOrManifest))
        }
        state.lap("validate")
        return .proceed
    }
}

/// Where the modes part: `--validate-only` ends here, plans and dry runs build their plan and end, a real run
/// goes on.
struct ModePhase: RunPhase {
    func run(_ state: inout RunState, _ orchestrator: RunOrchestrator) async -> PhaseOutcome {
        switch state.request.mode {
        case .validateOnly:
            state.result.status = .success
            state.result.exitCode = .success
            state.result.message = "manifest is valid"
            return .finished
        case .plan, .dryRun, .dryRunOnline:
            return await PlanPhase().run(&state, orchestrator)
        case .run:
            return .proceed
        }
    }
}
