import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import Foundation
import Testing

@testable import DltafRun

/// `RunOrchestrator` in process: real resolution and protocol sessions, fake plugin processes behind the
/// `ProcessLauncher` seam, so each phase's decisions are checked without starting a process.
@Suite("run orchestrator: phases in process with fake plugins")
struct OrchestratorTests {
    /// A runner for kind `acme` whose `runner/run` answer is `run`; validate accepts unless `diagnostics`.
    static func runner(
        diagnostics: [JSONValue] = [], run: JSONValue = ["status": "success", "message": "loaded 3 rows"]
    ) -> FakePlugin {
        FakePlugin(provides: Provides(runners: [RunnerInfo(kind: "acme")])) { method, _ in
            switch method {
            case ProtocolMethod.runnerValidate: .success(["diagnostics": .array(diagnostics)])
            case ProtocolMethod.runnerRun: .success(run)
            default: .failure(RPCError(code: RPCErrorCode.methodNotFound, message: "no \(method)"))
            }
        }
    }

    /// Hooks `first` and `second` on every event; `second` vetoes `pre_run` when `veto`.
    static func hooks(veto: Bool = false) -> FakePlugin {
        FakePlugin(
            provides: Provides(hooks: [
                HookInfo(name: "first", events: [.preRun, .postRun, .onError]),
                HookInfo(name: "second", events: [.preRun, .postRun, .onError]),
            ])
        ) { method, params in
            let vetoes = veto && method == ProtocolMethod.hook(.preRun) && params["hook"] == "second"
            return .success(vetoes ? ["ok": false, "message": "second says no"] : ["ok": true])
        }
    }

    /// A check `probe` that applies and answers `ok`.
    static func check(ok: Bool) -> FakePlugin {
        FakePlugin(provides: Provides(checks: [CheckInfo(name: "probe")])) { method, _ in
            method == ProtocolMethod.checkApplies
                ? .success(["applies": true])
                : .success(["ok": .bool(ok), "errors": ok ? [] : ["port closed"], "warnings": []])
        }
    }

    /// Runs a manifest listing `acme.runner`, `acme.hooks` (both enabled) and `acme.check`.
    func run(_ launcher: FakeLauncher, mode: RunRequest.Mode = .run) async throws -> RunResult {
        let bin = try launcher.installBinaries()
        let folder = NSTemporaryDirectory() + "dltaf-orchestrator-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: bin)
        }
        let text = """
            version: 1
            pipeline: {name: dlt__acme__to__test__raw, destination: test, dataset: raw}
            source: {kind: acme}
            run:
              runners: {plugins: [acme.runner]}
              hooks: {plugins: [acme.hooks], enable: [first, second]}
              online_checks: {plugins: [acme.check]}

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/dlt__acme__to__test__raw.yaml"))
        var request = RunRequest(
            manifestPath: folder + "/dlt__acme__to__test__raw.yaml", environment: ["PATH": bin])
        request.mode = mode
        let orchestrator = RunOrchestrator(
            console: Console(minimumLevel: .error, sink: { _ in }), launcher: launcher, hostVersion: "test")
        return await orchestrator.run(request)
    }

    static let names = (
        runner: "dltaf-plugin-acme-runner", hooks: "dltaf-plugin-acme-hooks", check: "dltaf-plugin-acme-check"
    )

    func launcher(runner: FakePlugin = runner(), hooks: FakePlugin = hooks(), check: FakePlugin = check(ok: true))
        -> FakeLauncher
    {
        FakeLauncher([Self.names.runner: runner, Self.names.hooks: hooks, Self.names.check: check])
    }

    @Test("a successful run calls validate, checks, pre_run in order, the runner, then post_run in reverse")
    func successfulRun() async throws {
        let fakes = launcher()
        let result = try await run(fakes)
        #expect(result.status == .success, "\(result.message)")
        #expect(result.exitCode == .success)
        #expect(result.message == "loaded 3 rows")
        #expect(result.runner?.outcome?.status == .success)
        #expect(result.checks?.selected == ["probe"])
        #expect(
            fakes.calls == [
                "\(Self.names.runner):runner/validate",
                "\(Self.names.check):check/applies:probe", "\(Self.names.check):check/run:probe",
                "\(Self.names.hooks):hook/pre_run:first", "\(Self.names.hooks):hook/pre_run:second",
                "\(Self.names.runner):runner/run",
                "\(Self.names.hooks):hook/post_run:second", "\(Self.names.hooks):hook/post_run:first",
            ])
        let phases = result.timings.map(\.phase)
        #expect(
            phases == [
                "load", "secrets", "start_plugins", "validate", "checks", "pre_run", "run", "post_run", "shutdown",
                "total",
            ])
        #expect(result.plugins.count == 3)
    }

    @Test("a veto in pre_run stops the run before the runner; on_error goes to the hooks reached, in reverse")
    func veto() async throws {
        let fakes = launcher(hooks: Self.hooks(veto: true))
        let result = try await run(fakes)
        #expect(result.status == .failed)
        #expect(result.error?.code == "hook_veto")
        #expect(result.error?.category == .policy)
        #expect(!fakes.calls.contains("\(Self.names.runner):runner/run"))
        #expect(
            Array(fakes.calls.suffix(2)) == [
                "\(Self.names.hooks):hook/on_error:second", "\(Self.names.hooks):hook/on_error:first",
            ])
    }

    @Test("a runner that reports failed gets on_error, not post_run, and exit 1")
    func runnerReportsFailure() async throws {
        let fakes = launcher(runner: Self.runner(run: ["status": "failed", "message": "source is down"]))
        let result = try await run(fakes)
        #expect(result.status == .failed)
        #expect(result.exitCode == .runFailed)
        #expect(result.error?.code == "runner_reported_failure")
        #expect(result.message == "source is down")
        #expect(fakes.calls.contains("\(Self.names.hooks):hook/on_error:first"))
        #expect(!fakes.calls.contains { $0.contains("post_run") })
    }

    @Test("a runner error keeps the plugin's category and code")
    func runnerError() async throws {
        let failing = FakePlugin(provides: Provides(runners: [RunnerInfo(kind: "acme")])) { method, _ in
            method == ProtocolMethod.runnerValidate
                ? .success(["diagnostics": []])
                : .failure(
                    RPCError(
                        code: RPCErrorCode.handlerFailed, message: "token expired",
                        data: ["category": "AUTH", "code": "token_expired"]))
        }
        let result = try await run(launcher(runner: failing))
        #expect(result.error?.category == .auth)
        #expect(result.error?.code == "token_expired")
        #expect(result.exitCode == .runFailed)
    }

    @Test("a failed online check stops the run with exit 3 before any hook or the runner")
    func failedCheck() async throws {
        let fakes = launcher(check: Self.check(ok: false))
        let result = try await run(fakes)
        #expect(result.exitCode == .checksFailed)
        #expect(result.error?.code == "online_checks_failed")
        #expect(result.message.contains("probe: port closed"))
        #expect(!fakes.calls.contains { $0.contains("hook/") || $0.contains("runner/run") })
    }

    @Test("the runner's error diagnostics are a configuration error (exit 2), located in the manifest")
    func runnerRejects() async throws {
        let rejecting = Self.runner(diagnostics: [
            ["severity": "error", "message": "source.endpoint is required", "path": "/source"]
        ])
        let fakes = launcher(runner: rejecting)
        let result = try await run(fakes)
        #expect(result.exitCode == .usageOrManifest)
        #expect(result.error?.code == "runner_validation_failed")
        #expect(result.error?.diagnostics.first?.description.contains(".yaml:3:") == true)
        #expect(fakes.calls == ["\(Self.names.runner):runner/validate"])
    }

    @Test("--validate-only and --plan end before checks, hooks and the runner")
    func modesEndEarly() async throws {
        let validating = launcher()
        let validated = try await run(validating, mode: .validateOnly)
        #expect(validated.status == .success)
        #expect(validated.message == "manifest is valid")
        #expect(validating.calls == ["\(Self.names.runner):runner/validate"])
        let planning = launcher()
        let planned = try await run(planning, mode: .plan)
        #expect(planned.status == .planned)
        #expect(planned.plan?["hooks"] != nil)
        #expect(!planning.calls.contains { $0.contains("runner/run") || $0.contains("hook/") })
    }
}
