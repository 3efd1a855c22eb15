import ArgumentParser
import DltafPluginHost
import DltafProtocol
import DltafRun
import Foundation

/// Flags shared by `dltaf exec` and `dltaf manifest run`.
struct RunOptions: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print the result document as JSON on stdout (logs stay on stderr).")
    var json = false

    /// `--validate-only`, `--plan`, `--dry-run` or `--dry-run-online`; all given, so `validate` can name a clash.
    @Flag var modes: [ModeFlag] = []

    @Flag(
        name: .customLong("dry-run-strict"),
        help: "With --dry-run or --dry-run-online: fail (exit 3) when a check reports an error.")
    var dryRunStrict = false

    @Option(
        name: .customLong("online-timeout-seconds"),
        help: "Seconds each online check may take with --dry-run-online (default: --check-timeout, 5).")
    var onlineTimeoutSeconds: Double?

    @Option(
        name: .customLong("plan-output"),
        help: ArgumentHelp("Write the plan to this file (atomically), or to stdout with -.", valueName: "path|-"))
    var planOutput: String?

    @Option(
        name: .customLong("plan-format"),
        help: "The plan's format (default: yaml for a .yaml/.yml --plan-output, else json).")
    var planFormat: Checked<DocumentFormat>?

    @Flag(
        name: .customLong("explain-config"),
        help: "Print each environment variable resolved from connections and where it came from (never its value).")
    var explainConfig = false

    @Option(
        name: .customLong("vault-timeout"),
        help: "Seconds each Vault request may take (default: VAULT_TIMEOUT, else 10).")
    var vaultTimeout: Double?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a manifest value before validation, e.g. --set source.limit=10 (JSON or text; repeatable).",
            valueName: "path=value"))
    var overrides: [String] = []

    @Option(name: .customLong("write-disposition"), help: "Shorthand for --set run.write_disposition=VALUE.")
    var writeDisposition: String?

    @Option(name: .customLong("result-file"), help: "Also write the result document to this file (atomically).")
    var resultFile: String?

    @Flag(
        name: .customLong("no-env-plugins"),
        help: "Ignore DLT_RUNNER_PLUGINS, DLT_HOOK_PLUGINS and DLT_INFRA_CHECK_PLUGINS.")
    var noEnvironmentPlugins = false

    @Option(name: .customLong("log-level"), help: "Lowest log level shown on stderr.")
    var logLevel: LogLevel = .info

    @Option(name: .customLong("startup-timeout"), help: "Seconds a plugin has to answer its handshake.")
    var startupTimeout: Double = 15

    @Option(name: .customLong("check-timeout"), help: "Seconds each online check may take.")
    var checkTimeout: Double = 5

    @Option(name: .customLong("hook-timeout"), help: "Seconds each hook call may take.")
    var hookTimeout: Double = 60

    @Option(name: .customLong("run-timeout"), help: "Seconds the runner may take (default: no limit).")
    var runTimeout: Double?

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a plugin may stay silent during a call; progress and heartbeats count (default 300).")
    var idleTimeout: Double = 300

    @Option(
        name: .customLong("max-call-time"), help: "Seconds any one call may take, whatever it reports (default 86400).")
    var maxCallTime: Double = 86400

    @Option(
        name: .customLong("cancel-grace"), help: "Seconds a plugin has to answer a cancel (Ctrl-C) before shutdown.")
    var cancelGrace: Double = 5

    @Option(name: .customLong("shutdown-grace"), help: "Seconds for each shutdown step before SIGTERM, then SIGKILL.")
    var shutdownGrace: Double = 2

    @Option(
        name: .customLong("max-line-bytes"), help: "The longest protocol line accepted from a plugin (default 16 MiB).")
    var maxLineBytes: Int = 16 << 20

    @Flag(name: .customLong("strict-protocol"), help: "Treat non-protocol output on a plugin's stdout as an error.")
    var strictProtocol = false

    @Flag(
        name: .customLong("locked"),
        help:
            "Refuse any plugin whose files changed since `dltaf plugins lock` (dltaf-plugins.lock next to the manifest)."
    )
    var locked = false

    func validate() throws {
        if Set(modes).count > 1 {
            throw ValidationError(
                "--validate-only, --plan, --dry-run and --dry-run-online exclude each other; pick one.")
        }
        // The Python dltaf's messages.
        let mode = self.mode
        if dryRunStrict, mode != .dryRun, mode != .dryRunOnline {
            throw ValidationError("--dry-run-strict requires --dry-run or --dry-run-online")
        }
        if planOutput != nil || planFormat != nil, !mode.isPlanMode {
            throw ValidationError("--plan-output/--plan-format require --plan or --dry-run or --dry-run-online")
        }
        if onlineTimeoutSeconds != nil, mode != .dryRunOnline {
            throw ValidationError("--online-timeout-seconds is only valid with --dry-run-online")
        }
        if let planFormat, planFormat.value == nil {
            throw ValidationError("--plan-format must be json or yaml, not \(planFormat.text).")
        }
        if planOutput == "-", json {
            throw ValidationError("--plan-output - and --json both write to stdout; write the plan to a file instead.")
        }
        if planOutput?.isEmpty == true { throw ValidationError("--plan-output needs a path, or - for stdout.") }
        guard maxLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024.") }
        let durations = [
            ("startup-timeout", startupTimeout), ("check-timeout", checkTimeout), ("hook-timeout", hookTimeout),
            ("idle-timeout", idleTimeout), ("max-call-time", maxCallTime), ("cancel-grace", cancelGrace),
            ("shutdown-grace", shutdownGrace), ("run-timeout", runTimeout ?? 1),
            ("online-timeout-seconds", onlineTimeoutSeconds ?? 1), ("vault-timeout", vaultTimeout ?? 1),
        ]
        for (name, value) in durations where value <= 0 {
            throw ValidationError("--\(name) must be a positive number of seconds.")
        }
    }

    /// The mode the flags select (`run` without one).
    var mode: RunRequest.Mode { modes.last?.mode ?? .run }

    var console: Console { Console(minimumLevel: logLevel) }

    func request(manifest: String) -> RunRequest {
        var request = RunRequest(manifestPath: manifest, environment: ProcessInfo.processInfo.environment)
        request.overrides = overrides
        request.writeDisposition = writeDisposition
        request.mode = mode
        request.dryRunStrict = dryRunStrict
        request.explainConfig = explainConfig
        request.onlineTimeout = onlineTimeoutSeconds.map { .seconds($0) }
        request.vaultTimeoutSeconds = vaultTimeout
        request.includeEnvironmentPlugins = !noEnvironmentPlugins
        request.locked = locked
        request.limits = ConnectionLimits(
            startup: .seconds(startupTimeout), shutdownGrace: .seconds(shutdownGrace),
            cancelGrace: .seconds(cancelGrace),
            idle: .seconds(idleTimeout), absolute: .seconds(maxCallTime), maxLineBytes: maxLineBytes,
            strictProtocol: strictProtocol)
        request.checkTimeout = .seconds(checkTimeout)
        request.hookTimeout = .seconds(hookTimeout)
        request.runTimeout = runTimeout.map { .seconds($0) }
        return request
    }

    /// Runs the manifest, prints the result and exits with the run's exit code.
    func execute(manifest: String) async throws {
        let console = self.console
        let orchestrator = RunOrchestrator(console: console, hostVersion: DltafVersion.current)
        let cancellation = RunCancellation(console: console)
        let signals = SignalWatcher { name in cancellation.cancel(signalName: name) }
        let result = await orchestrator.run(request(manifest: manifest), cancellation: cancellation)
        withExtendedLifetime(signals) {}
        if let resultFile {
            do {
                try Output.writeAtomically(Output.prettyJSON(result.json), to: resultFile)
            } catch {
                console.log(.error, source: "dltaf", "cannot write the result file \(resultFile): \(error)")
            }
        }
        let planWritten = writePlan(of: result, console: console)
        if json {
            Output.print(Output.prettyJSON(result.json))
        } else if result.plan != nil, planOutput == nil || planOutput == "-" {
            // The plan took stdout; the summary goes to stderr.
            Output.printError(result.summary)
        } else {
            Output.print(result.summary)
        }
        if result.exitCode != .success { throw ExitCode(result.exitCode) }
        if !planWritten { throw ExitCode(.runFailed) }
    }

    /// Prints the plan (no `--json`, no `--plan-output`, or `--plan-output -`) or writes it atomically to
    /// `--plan-output`; false when the file could not be written.
    private func writePlan(of result: RunResult, console: Console) -> Bool {
        guard let plan = result.redactedPlan else { return true }
        let text = (planFormat?.value ?? DocumentFormat(path: planOutput)).render(plan)
        guard let planOutput, planOutput != "-" else {
            if !json { Output.print(text) }
            return true
        }
        do {
            let folder = (planOutput as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try Output.writeAtomically(text.trimmingSuffix("\n"), to: planOutput)
            console.log(.info, source: "dltaf", "plan written to \(planOutput)")
            return true
        } catch {
            console.log(.error, source: "dltaf", "cannot write the plan to \(planOutput): \(error)")
            return false
        }
    }
}

extension String {
    /// Without any trailing `suffix` repetitions.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
