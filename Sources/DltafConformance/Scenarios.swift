import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

/// The scenarios of the conformance kit, in the order they run.
struct Scenarios: Sendable {
    let kit: ConformanceKit
    let directory: String
    let observed = Observations()

    /// A canary the plugin receives as a secret and must never echo.
    private let canary = "dltaf-canary-" + UUID().uuidString.prefix(8).lowercased()

    func runAll() async -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        var provides: Provides?
        var dataRunners: [RunnerInfo] = []
        results.append(
            await timed("handshake") {
                let session = try await open()
                defer { Task { await session.close() } }
                let answer = try await session.handshake()
                provides = answer.provides
                if answer.features.contains(ProtocolFeature.data) { dataRunners = answer.provides.runners }
                let total = answer.provides.runners.count + answer.provides.hooks.count + answer.provides.checks.count
                guard total > 0 else { return (false, "the plugin provides no runner, hook or check") }
                return (
                    true,
                    "\(answer.plugin.name) \(answer.plugin.version), protocol \(answer.protocolVersion): \(Self.describe(answer.provides))"
                )
            })
        guard let provides else {
            return results
                + ([
                    "handshake_time", "version_mismatch", "not_initialized", "unknown_method", "runner_answers",
                    "invalid_config", "hook_events", "check_answers", "no_secret_echo", "cancel",
                ]
                + Self.dataScenarioNames
                + ["exit_on_eof", "exit_on_sigterm", "stdout_clean", "terminal_responses"]).map {
                    ScenarioResult(name: $0, passed: false, detail: "not run: the handshake failed", milliseconds: 0)
                }
        }
        results.append(await handshakeTime())
        results.append(await versionMismatch())
        results.append(await notInitialized())
        results.append(await unknownMethod())
        results += await calls(provides)
        results.append(await cancel(provides))
        results += await dataScenarios(dataRunners)
        results.append(await exitOnEOF())
        results.append(await exitOnSIGTERM())
        let noise = observed.noise
        results.append(
            ScenarioResult(
                name: "stdout_clean", passed: noise.isEmpty,
                detail: noise.isEmpty
                    ? "nothing but protocol lines on stdout"
                    : "\(noise.count) non-protocol line(s) on stdout, first: \"\(noise[0])\"",
                milliseconds: 0))
        let problems = observed.problems
        results.append(
            ScenarioResult(
                name: "terminal_responses", passed: problems.isEmpty,
                detail: problems.isEmpty ? "every request got exactly one response" : problems.joined(separator: "; "),
                milliseconds: 0))
        return results
    }

    // MARK: - Scenarios

    private func handshakeTime() async -> ScenarioResult {
        await timed("handshake_time") {
            var samples: [Double] = []
            for _ in 0..<3 {
                let session = try await open()
                let started = ContinuousClock.now
                _ = try await session.handshake()
                samples.append(started.duration(to: .now).milliseconds)
                await session.close()
            }
            samples.sort()
            let median = samples[1]
            let text =
                "median \(Self.ms(median)) over 3 starts (spawn to answer; min \(Self.ms(samples[0])), max \(Self.ms(samples[2])))"
            return (median < 5000, text)
        }
    }

    private func versionMismatch() async -> ScenarioResult {
        await timed("version_mismatch") {
            let session = try await open()
            defer { Task { await session.close() } }
            var params = InitializeParams(
                hostVersion: "conformance", spec: kit.plugin.spec.description, runID: KitSession.runID)
            params.protocolVersions = [99]
            do throws(PluginFailure) {
                let answer = try await session.connection.call(
                    ProtocolMethod.initialize, params: params.json, timeout: kit.callTimeout)
                return (false, "the plugin accepted protocol version 99: \(answer.jsonText)")
            } catch {
                guard case .rpcError(let rpc) = error.reason, rpc.code == RPCErrorCode.unsupportedProtocolVersion else {
                    return (false, "expected error -32002, got: \(error.summary)")
                }
                let supported = rpc.data?["supported"]?.arrayValue?.compactMap(\.intValue) ?? []
                guard supported.contains(1) else { return (false, "error -32002 without data.supported listing 1") }
                session.connection.closeInput()
                guard await session.connection.waitForExit(within: .seconds(2)) != nil else {
                    return (false, "answered -32002 but did not exit within 2 s of stdin closing")
                }
                return (true, "answered -32002 with supported \(supported) and exited")
            }
        }
    }

    private func notInitialized() async -> ScenarioResult {
        await timed("not_initialized") {
            let session = try await open()
            defer { Task { await session.close() } }
            return await expectError(
                session, method: ProtocolMethod.checkApplies,
                params: CheckParams(check: "x", manifest: manifest(kind: "x"), context: context(kind: "x")).json,
                code: RPCErrorCode.notInitialized)
        }
    }

    private func unknownMethod() async -> ScenarioResult {
        await timed("unknown_method") {
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            return await expectError(
                session, method: "dltaf/conformance_unknown", params: [:], code: RPCErrorCode.methodNotFound)
        }
    }

    private func expectError(_ session: KitSession, method: String, params: JSONValue, code: Int) async -> (
        Bool, String
    ) {
        do {
            let answer = try await session.connection.call(method, params: params, timeout: kit.callTimeout)
            return (false, "expected error \(code), got a result: \(answer.jsonText)")
        } catch {
            observed.note(error)
            guard case .rpcError(let rpc) = error.reason else {
                return (false, "expected error \(code), got: \(error.summary)")
            }
            return rpc.code == code
                ? (true, "answered \(code): \(rpc.message)")
                : (false, "expected error \(code), got \(rpc.code): \(rpc.message)")
        }
    }

    /// Runner, hook and check calls in one session, then the secret check over everything it said.
    private func calls(_ provides: Provides) async -> [ScenarioResult] {
        var results: [ScenarioResult] = []
        let sessionOrError: Result<KitSession, PluginFailure>
        do {
            let session = try await open()
            _ = try await session.handshake()
            sessionOrError = .success(session)
        } catch {
            sessionOrError = .failure(error)
        }
        let session: KitSession
        switch sessionOrError {
        case .success(let started): session = started
        case .failure(let failure):
            return ["runner_answers", "invalid_config", "hook_events", "check_answers", "no_secret_echo"].map {
                ScenarioResult(name: $0, passed: false, detail: failure.summary, milliseconds: 0)
            }
        }
        var answers: [String] = []
        func call(_ method: String, _ params: JSONValue) async -> Result<JSONValue, PluginFailure> {
            do {
                let value = try await session.connection.call(method, params: params, timeout: kit.callTimeout)
                answers.append(value.jsonText)
                return .success(value)
            } catch {
                observed.note(error)
                if case .rpcError(let rpc) = error.reason { answers.append(rpc.message + (rpc.data?.jsonText ?? "")) }
                return .failure(error)
            }
        }
        func terminal(_ result: Result<JSONValue, PluginFailure>) -> String? {
            guard case .failure(let failure) = result else { return nil }
            if case .rpcError = failure.reason { return nil }
            return failure.summary
        }

        results.append(
            await timed("runner_answers") {
                guard !provides.runners.isEmpty else { return (true, "no runner advertised") }
                var problems: [String] = []
                for runner in provides.runners {
                    let validate = await call(
                        ProtocolMethod.runnerValidate,
                        RunnerValidateParams(
                            kind: runner.kind, manifest: manifest(kind: runner.kind),
                            context: context(kind: runner.kind)
                        ).json)
                    if let problem = terminal(validate) { problems.append("validate: \(problem)") }
                    if case .success(let value) = validate, (try? RunnerValidateResult(json: value)) == nil {
                        problems.append("validate answered without a diagnostics list: \(value.jsonText)")
                    }
                    let run = await call(
                        ProtocolMethod.runnerRun,
                        RunnerRunParams(
                            kind: runner.kind, manifest: manifest(kind: runner.kind),
                            context: context(kind: runner.kind),
                            env: ["DLTAF_CONFORMANCE_TOKEN": canary]
                        ).json)
                    if let problem = terminal(run) { problems.append("run: \(problem)") }
                    if case .success(let value) = run, (try? RunOutcome(json: value)) == nil {
                        problems.append("run answered without a valid status: \(value.jsonText)")
                    }
                }
                return problems.isEmpty
                    ? (true, "validate and run answered for \(provides.runners.map(\.kind).joined(separator: ", "))")
                    : (false, problems.joined(separator: "; "))
            })
        results.append(
            await timed("invalid_config") {
                guard !provides.runners.isEmpty else { return (true, "no runner advertised") }
                for runner in provides.runners {
                    let answer = await call(
                        ProtocolMethod.runnerValidate,
                        RunnerValidateParams(kind: runner.kind, manifest: [:], context: context(kind: runner.kind)).json
                    )
                    guard case .success(let value) = answer else {
                        return (false, "validate of an empty manifest failed instead of returning diagnostics")
                    }
                    let diagnostics = (try? RunnerValidateResult(json: value))?.diagnostics ?? []
                    guard let error = diagnostics.first(where: { $0.severity == .error }) else {
                        return (false, "\(runner.kind): an empty manifest was accepted (expected an error diagnostic)")
                    }
                    guard let path = error.path, path.hasPrefix("/") else {
                        return (false, "\(runner.kind): the diagnostic \"\(error.message)\" has no JSON Pointer path")
                    }
                }
                return (true, "an empty manifest gets error diagnostics with paths")
            })
        results.append(
            await timed("hook_events") {
                guard !provides.hooks.isEmpty else { return (true, "no hook advertised") }
                var problems: [String] = []
                for hook in provides.hooks {
                    for event in hook.events {
                        var params = HookParams(
                            hook: hook.name, event: event, manifest: manifest(kind: "conformance"),
                            context: context(kind: "conformance"), config: ["password": .string(canary)])
                        if event != .preRun { params.result = ["status": event == .postRun ? "success" : "failed"] }
                        if event == .onError {
                            params.error = HookParams.Failure(
                                message: "conformance", category: .unknown, code: "conformance")
                        }
                        let answer = await call(params.method, params.json)
                        if let problem = terminal(answer) {
                            problems.append("\(hook.name) \(event.rawValue): \(problem)")
                        }
                    }
                }
                return problems.isEmpty
                    ? (true, "every advertised event answered (\(provides.hooks.map(\.name).joined(separator: ", ")))")
                    : (false, problems.joined(separator: "; "))
            })
        results.append(
            await timed("check_answers") {
                guard !provides.checks.isEmpty else { return (true, "no check advertised") }
                var problems: [String] = []
                for check in provides.checks {
                    var params = CheckParams(
                        check: check.name, manifest: manifest(kind: "conformance"),
                        context: context(kind: "conformance"), config: ["password": .string(canary)])
                    let applies = await call(ProtocolMethod.checkApplies, params.json)
                    if let problem = terminal(applies) { problems.append("\(check.name) applies: \(problem)") }
                    if case .success(let value) = applies, (try? CheckAppliesResult(json: value)) == nil {
                        problems.append("\(check.name) applies: no boolean \"applies\" in \(value.jsonText)")
                    }
                    params.timeoutSeconds = 2
                    let run = await call(ProtocolMethod.checkRun, params.json)
                    if let problem = terminal(run) { problems.append("\(check.name) run: \(problem)") }
                    if case .success(let value) = run, value["ok"]?.boolValue == nil {
                        problems.append("\(check.name) run: no boolean \"ok\" in \(value.jsonText)")
                    }
                }
                return problems.isEmpty
                    ? (true, "applies and run answered for \(provides.checks.map(\.name).joined(separator: ", "))")
                    : (false, problems.joined(separator: "; "))
            })
        await session.close()
        let leaked = (answers + session.output).filter { $0.contains(canary) }
        results.append(
            ScenarioResult(
                name: "no_secret_echo", passed: leaked.isEmpty,
                detail: leaked.isEmpty
                    ? "a secret passed in env and config never came back"
                    : "the secret came back in: \"\(leaked[0].prefix(100))\"",
                milliseconds: 0))
        return results
    }

    private func cancel(_ provides: Provides) async -> ScenarioResult {
        await timed("cancel") {
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            let (method, params): (String, JSONValue)
            if let runner = provides.runners.first {
                (method, params) = (
                    ProtocolMethod.runnerRun,
                    RunnerRunParams(
                        kind: runner.kind, manifest: manifest(kind: runner.kind), context: context(kind: runner.kind)
                    )
                    .json
                )
            } else if let hook = provides.hooks.first, let event = hook.events.first {
                let hookParams = HookParams(
                    hook: hook.name, event: event, manifest: manifest(kind: "x"), context: context(kind: "x"))
                (method, params) = (hookParams.method, hookParams.json)
            } else if let check = provides.checks.first {
                (method, params) = (
                    ProtocolMethod.checkRun,
                    CheckParams(
                        check: check.name, manifest: manifest(kind: "x"), context: context(kind: "x"), timeoutSeconds: 2
                    ).json
                )
            } else {
                return (true, "nothing to cancel")
            }
            let connection = session.connection
            let pending = Task { () -> Result<JSONValue, PluginFailure> in
                do throws(PluginFailure) {
                    return .success(try await connection.call(method, params: params, timeout: kit.callTimeout))
                } catch {
                    return .failure(error)
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
            // The handshake was request 1, so this call is request 2 in a fresh session.
            connection.notify(ProtocolMethod.cancel, params: ["id": 2, "reason": "conformance"])
            let started = ContinuousClock.now
            let outcome = await pending.value
            let elapsed = started.duration(to: .now)
            switch outcome {
            case .success:
                return (true, "\(method) finished before the cancel took effect (\(Self.ms(elapsed.milliseconds)))")
            case .failure(let failure):
                if case .rpcError(let rpc) = failure.reason {
                    if rpc.code == RPCErrorCode.requestCancelled {
                        return (true, "answered -32800 \(Self.ms(elapsed.milliseconds)) after the cancel")
                    }
                    return (true, "answered error \(rpc.code) after the cancel (a terminal answer)")
                }
                return (false, "no terminal answer to a cancelled \(method): \(failure.summary)")
            }
        }
    }

    private func exitOnEOF() async -> ScenarioResult {
        await timed("exit_on_eof") {
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            session.connection.closeInput()
            guard let exit = await session.connection.waitForExit(within: .seconds(2)) else {
                return (false, "still running 2 s after stdin closed")
            }
            return exit == .exited(0)
                ? (true, "exited 0 when stdin closed") : (false, "\(exit) when stdin closed (expected status 0)")
        }
    }

    private func exitOnSIGTERM() async -> ScenarioResult {
        await timed("exit_on_sigterm") {
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            session.connection.signalProcess(SIGTERM)
            guard let exit = await session.connection.waitForExit(within: .seconds(2)) else {
                return (false, "still running 2 s after SIGTERM")
            }
            return (true, "\(exit) after SIGTERM")
        }
    }

    // MARK: - Helpers

    func open() async throws(PluginFailure) -> KitSession {
        let session = try KitSession(
            plugin: kit.plugin, environment: kit.environment, directory: directory, limits: kit.limits)
        observed.track(session)
        return session
    }

    func timed(_ name: String, _ body: () async throws -> (Bool, String)) async -> ScenarioResult {
        let started = ContinuousClock.now
        let outcome: (Bool, String)
        do {
            outcome = try await body()
        } catch let failure as PluginFailure {
            observed.note(failure)
            outcome = (false, failure.summary)
        } catch {
            outcome = (false, "\(error)")
        }
        return ScenarioResult(
            name: name, passed: outcome.0, detail: outcome.1, milliseconds: started.duration(to: .now).milliseconds)
    }

    func manifest(kind: String) -> JSONValue {
        [
            "version": 1,
            "pipeline": ["name": "dlt__conformance__to__test__raw", "destination": "test", "dataset": "raw"],
            "source": ["kind": .string(kind)],
        ]
    }

    func context(kind: String) -> CallContext {
        CallContext(
            runID: KitSession.runID, startedAt: "2026-01-01T00:00:00.000Z", mode: .validate,
            manifestPath: directory + "/conformance.yaml", manifestDirectory: directory,
            pipeline: CallContext.Pipeline(
                name: "dlt__conformance__to__test__raw", destination: "test", dataset: "raw"),
            sourceKind: kind, writeDisposition: "replace")
    }

    static func describe(_ provides: Provides) -> String {
        var parts: [String] = []
        if !provides.runners.isEmpty { parts.append("runners \(provides.runners.map(\.kind).joined(separator: ", "))") }
        if !provides.hooks.isEmpty { parts.append("hooks \(provides.hooks.map(\.name).joined(separator: ", "))") }
        if !provides.checks.isEmpty { parts.append("checks \(provides.checks.map(\.name).joined(separator: ", "))") }
        return parts.joined(separator: "; ")
    }

    static func ms(_ milliseconds: Double) -> String {
        milliseconds < 10 ? "\((milliseconds * 10).rounded() / 10) ms" : "\(Int(milliseconds.rounded())) ms"
    }
}

/// What all sessions of a kit run saw: noise on stdout and broken request/response pairing.
final class Observations: Sendable {
    private let sessions = Mutex<[KitSession]>([])
    private let failures = Mutex<[String]>([])

    func track(_ session: KitSession) { sessions.withLock { $0.append(session) } }

    /// Records a call that ended without a terminal response.
    func note(_ failure: PluginFailure) {
        switch failure.reason {
        case .timeout, .exitedWithoutResult, .protocolViolation:
            failures.withLock { $0.append("\(failure.method): \(failure.summary)") }
        default: break
        }
    }

    var noise: [String] { sessions.withLock { $0 }.flatMap(\.noise) }

    var problems: [String] { failures.withLock { $0 } + sessions.withLock { $0 }.flatMap(\.protocolProblems) }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
