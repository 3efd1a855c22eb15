import DltafJSON
import DltafPluginKit
import DltafProtocol
import Testing

@Suite("the Swift SDK, driven in memory by PluginTestHost")
struct PluginKitTests {
    static func demo() -> Plugin {
        var plugin = Plugin(name: "demo", version: "2.0.0", description: "demo plugin")
        plugin.runner("rows") { call in
            call.manifest["source"]?["path"] == nil
                ? [Diagnostic(severity: .error, message: "source.path is required", code: "path", path: "/source/path")]
                : []
        } run: { call in
            if call.manifest["source"]?["fail"] == true {
                throw PluginError("cannot read", category: "DATA", code: "unreadable", retryable: true)
            }
            if call.manifest["source"]?["wait"] == true {
                while true { try await Task.sleep(for: .milliseconds(10)) }
            }
            call.log(.info, "reading")
            call.progress(current: 2, total: 2, unit: "rows")
            call.state(["cursor": 2])
            return RunOutcome(status: .success, message: "2 rows", loadMetrics: ["rows_count": 2])
        }
        plugin.hook("guard", events: [.preRun]) { _, call in
            call.config["deny"] == true ? HookOutcome(ok: false, message: "denied") : HookOutcome(ok: true)
        }
        plugin.check("always") { _ in CheckOutcome(ok: true, details: ["latency_ms": 1.5]) }
        plugin.check("never", applies: { _ in false }, run: { _ in CheckOutcome(ok: false, errors: ["down"]) })
        return plugin
    }

    @Test("the handshake advertises what was registered, in order")
    func handshake() async throws {
        let host = PluginTestHost(Self.demo())
        let info = try await host.initialize()
        #expect(info.plugin == PluginIdentity(name: "demo", version: "2.0.0", description: "demo plugin"))
        #expect(info.provides.runners.map(\.kind) == ["rows"])
        #expect(info.provides.hooks == [HookInfo(name: "guard", events: [.preRun])])
        #expect(info.provides.checks.map(\.name) == ["always", "never"])
        await host.close()
    }

    @Test("validate returns located diagnostics; run sends log, progress and state before its result")
    func runner() async throws {
        let host = PluginTestHost(Self.demo())
        _ = try await host.initialize()
        let invalid = try await host.call(ProtocolMethod.runnerValidate, ["kind": "rows", "manifest": [:]])
        #expect(invalid["diagnostics"]?.arrayValue?.first?["path"] == "/source/path")
        let outcome = try await host.call(
            ProtocolMethod.runnerRun, ["kind": "rows", "manifest": ["source": ["path": "x"]], "env": [:]])
        #expect(outcome["status"] == "success")
        #expect(outcome["load_metrics"]?["rows_count"] == 2)
        let methods = host.notifications.compactMap { message -> String? in
            if case .notification(let method, _) = message { return method }
            return nil
        }
        #expect(methods == ["log", "progress", "state"])
        await host.close()
    }

    @Test("hooks veto, checks default to applying, unknown names and methods get the protocol's errors")
    func hooksChecksAndErrors() async throws {
        let host = PluginTestHost(Self.demo())
        _ = try await host.initialize()
        let veto = try await host.call(ProtocolMethod.hook(.preRun), ["hook": "guard", "config": ["deny": true]])
        #expect(veto == ["ok": false, "message": "denied"])
        let unhandled = try await host.call(ProtocolMethod.hook(.postRun), ["hook": "guard"])
        #expect(unhandled["ok"] == true)
        #expect(try await host.call(ProtocolMethod.checkApplies, ["check": "always"]) == ["applies": true])
        #expect(try await host.call(ProtocolMethod.checkApplies, ["check": "never"]) == ["applies": false])
        #expect(try await host.call(ProtocolMethod.checkRun, ["check": "never"])["errors"] == ["down"])
        await #expect(throws: RPCError.self) { _ = try await host.call("runner/run", ["kind": "nope"]) }
        do {
            _ = try await host.call("frobnicate", [:])
            Issue.record("an unknown method was answered")
        } catch {
            #expect(error.code == RPCErrorCode.methodNotFound)
        }
        do {
            _ = try await host.call(ProtocolMethod.runnerRun, ["kind": "rows", "manifest": ["source": ["fail": true]]])
            Issue.record("a failing handler was answered with a result")
        } catch {
            #expect(error.code == RPCErrorCode.handlerFailed)
            #expect(error.data == ["category": "DATA", "retryable": true, "code": "unreadable"])
        }
        await host.close()
    }

    @Test("calls before the handshake and unsupported versions are refused")
    func handshakeRules() async throws {
        let host = PluginTestHost(Self.demo())
        do {
            _ = try await host.call(ProtocolMethod.checkApplies, ["check": "always"])
            Issue.record("a call before initialize was answered")
        } catch {
            #expect(error.code == RPCErrorCode.notInitialized)
        }
        do {
            _ = try await host.initialize(protocolVersions: [99])
            Issue.record("protocol 99 was accepted")
        } catch {
            #expect(error.code == RPCErrorCode.unsupportedProtocolVersion)
            #expect(error.data?["supported"] == [1])
        }
        await host.close()
    }

    @Test("cancel reaches the handler as task cancellation and is answered -32800")
    func cancel() async throws {
        let host = PluginTestHost(Self.demo())
        _ = try await host.initialize()
        let id = host.nextRequestID
        let running = Task { () -> RPCError? in
            do throws(RPCError) {
                _ = try await host.call(
                    ProtocolMethod.runnerRun, ["kind": "rows", "manifest": ["source": ["wait": true]]])
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        host.notify(ProtocolMethod.cancel, ["id": .int(id)])
        #expect(await running.value?.code == RPCErrorCode.requestCancelled)
        await host.close()
    }
}
