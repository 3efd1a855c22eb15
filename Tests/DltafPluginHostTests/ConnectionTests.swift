import DltafJSON
import DltafPluginHost
import DltafProtocol
import DltafTestSupport
import Foundation
import Synchronization
import Testing

/// PluginConnection against real processes: small shell plugins that behave well or badly.
@Suite("plugin connection with real processes")
struct ConnectionTests {
    /// A handshake answer any script can print.
    static let hello =
        #"{"jsonrpc":"2.0","id":1,"result":{"protocol_version":1,"plugin":{"name":"sh","version":"1"},"provides":{"runners":[{"kind":"k"}]}}}"#

    /// Starts `/bin/sh -c script` as a plugin and performs the handshake.
    static func connect(
        _ script: String, limits: ConnectionLimits = ConnectionLimits(startup: .seconds(5)),
        events: @escaping @Sendable (PluginEvent) -> Void = { _ in }
    ) async throws(PluginFailure) -> PluginConnection {
        let plugin = ResolvedPlugin(
            spec: .dotted(["test", "sh"]), delivery: .explicitPath, location: "/bin/sh", executable: "/bin/sh",
            arguments: ["-c", script], pluginDirectory: "/")
        let connection = PluginConnection(
            plugin: plugin, launcher: FoundationProcessLauncher(), limits: limits, events: events)
        _ = try await connection.start(
            launch: ProcessLaunch(
                executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
                workingDirectory: nil),
            params: InitializeParams(hostVersion: "test", spec: "test.sh", runID: "r"))
        return connection
    }

    /// Collects events in order.
    final class Recorder: Sendable {
        let events = Mutex<[PluginEvent]>([])
        var sink: @Sendable (PluginEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
        var all: [PluginEvent] { events.withLock { $0 } }
    }

    @Test("notifications arrive in order, before the response they precede")
    func notificationsInOrder() async throws {
        let recorder = Recorder()
        let script = """
            read -r line; echo '\(Self.hello)'
            read -r line
            echo '{"jsonrpc":"2.0","method":"log","params":{"level":"warn","message":"careful"}}'
            echo '{"jsonrpc":"2.0","method":"progress","params":{"current":1,"total":2}}'
            echo '{"jsonrpc":"2.0","method":"state","params":{"state":{"cursor":9}}}'
            echo 'oops: not json'
            echo '{"jsonrpc":"2.0","method":"mystery","params":{}}'
            echo '{"jsonrpc":"2.0","id":2,"result":{"status":"success"}}'
            read -r line
            """
        let connection = try await Self.connect(script, events: recorder.sink)
        let result = try await connection.call(ProtocolMethod.runnerRun, params: [:], timeout: .seconds(5))
        #expect(result == ["status": "success"])
        let events = recorder.all
        #expect(events.count == 5)
        #expect(events.first == .log(level: .warning, message: "careful", fields: nil))
        #expect(events.dropFirst().first == .progress(["current": 1, "total": 2]))
        #expect(events.dropFirst(2).first == .state(["cursor": 9]))
        #expect(events.dropFirst(3).first == .stdoutNoise(prefix: "oops: not json", beforeHandshake: false))
        #expect(events.last == .unknownNotification("mystery"))
        await connection.shutdown()
    }

    @Test("a plugin that exits 0 without answering has failed, and says so with its stderr")
    func exitWithoutResult() async throws {
        let connection = try await Self.connect(
            "read -r line; echo '\(Self.hello)'; read -r line; echo 'bye now' >&2; exit 0")
        await #expect {
            _ = try await connection.call(ProtocolMethod.runnerRun, params: [:], timeout: .seconds(5))
        } throws: { error in
            guard let failure = error as? PluginFailure else { return false }
            return failure.reason == .exitedWithoutResult(.exited(0))
                && failure.description.contains(
                    "exited without reporting a result for runner/run (exited with status 0)")
                && failure.description.contains("bye now")
        }
    }

    @Test("a crash is reported with its signal name")
    func crash() async throws {
        let connection = try await Self.connect("read -r line; echo '\(Self.hello)'; read -r line; kill -SEGV $$")
        await #expect {
            _ = try await connection.call(ProtocolMethod.runnerRun, params: [:], timeout: .seconds(5))
        } throws: { error in
            (error as? PluginFailure)?.summary.contains("killed by SIGSEGV") == true
        }
    }

    @Test("a plugin that never answers the handshake times out, and is killed")
    func startupTimeout() async throws {
        let started = ContinuousClock.now
        await #expect {
            _ = try await Self.connect(
                "sleep 30", limits: ConnectionLimits(startup: .milliseconds(300), shutdownGrace: .milliseconds(200)))
        } throws: { error in
            (error as? PluginFailure)?.isTimeout == true
        }
        // A liveness bound, not a speed claim: well under the plugin's 30 s sleep, with room for a loaded machine.
        #expect(started.duration(to: .now) < .seconds(15))
    }

    @Test("garbage before the handshake gets a targeted message")
    func noiseBeforeHandshake() async throws {
        await #expect {
            _ = try await Self.connect(
                "read -r line; echo 'Loading plugin...'; exit 3",
                limits: ConnectionLimits(startup: .seconds(5)))
        } throws: { error in
            let text = (error as? PluginFailure)?.description ?? ""
            return text.contains("non-protocol output before answering initialize")
                && text.contains("\"Loading plugin...\"")
        }
    }

    @Test("a line over the limit fails the call without buffering it")
    func oversizedLine() async throws {
        let connection = try await Self.connect(
            "read -r line; echo '\(Self.hello)'; read -r line; head -c 300000 /dev/zero | tr '\\0' 'x'; echo; sleep 5",
            limits: ConnectionLimits(startup: .seconds(5), maxLineBytes: 100_000))
        await #expect {
            _ = try await connection.call(ProtocolMethod.runnerRun, params: [:], timeout: .seconds(5))
        } throws: { error in
            (error as? PluginFailure)?.summary.contains("longer than 100000 bytes") == true
        }
        await connection.shutdown()
    }

    @Test("an error response becomes an rpcError failure with the plugin's message")
    func errorResponse() async throws {
        let connection = try await Self.connect(
            #"read -r line; echo '\#(Self.hello)'; read -r line; echo '{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"method not found: x/y"}}'; read -r line"#
        )
        await #expect {
            _ = try await connection.call("x/y", params: [:], timeout: .seconds(5))
        } throws: { error in
            guard case .rpcError(let rpc)? = (error as? PluginFailure)?.reason else { return false }
            return rpc.code == RPCErrorCode.methodNotFound && rpc.message == "method not found: x/y"
        }
        await connection.shutdown()
    }

    @Test("shutdown stops the whole process group, including background children")
    func shutdownKillsGroup() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let pidFile = workspace.path("child.pid")
        let connection = try await Self.connect(
            "sleep 60 & echo $! > \(pidFile); read -r line; echo '\(Self.hello)'; while read -r line; do :; done; sleep 60",
            limits: ConnectionLimits(startup: .seconds(5), shutdownGrace: .milliseconds(300)))
        let childPID = try #require(Int32(workspace.read("child.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(childPID, 0) == 0)
        let started = ContinuousClock.now
        let exit = await connection.shutdown()
        #expect(exit != nil)
        // A liveness bound: the group was killed rather than waited for (its sleep is 60 s).
        #expect(started.duration(to: .now) < .seconds(20))
        // The background sleep was in the plugin's group: it is gone (reaped by init, so kill finds nothing).
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(childPID, 0) != 0
            if !gone { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(gone)
    }
}

@Suite("plugins start with default signal handling")
struct SignalInheritanceTests {
    /// The bit of `signal` in a /proc/PID/status signal mask.
    static func bit(_ signal: Int32) -> UInt64 { 1 << UInt64(signal - 1) }

    @Test("a plugin's SIGTERM and SIGPIPE are neither blocked nor ignored, whatever thread spawned it")
    func cleanSignals() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let status = workspace.path("status.txt")
        // The plugin reads its own masks (a shell would show its masks while it waits for a child instead).
        let code = """
            import sys
            open(\(JSONValue.string(status).jsonText), "w").write(open("/proc/self/status").read())
            sys.stdin.readline()
            print(\(JSONValue.string(ConnectionTests.hello).jsonText), flush=True)
            sys.stdin.readline()
            """
        let python = try #require(
            PluginEnvironment.findOnPath("python3", path: ProcessInfo.processInfo.environment["PATH"] ?? ""))
        let plugin = ResolvedPlugin(
            spec: .dotted(["test", "py"]), delivery: .explicitPath, location: python, executable: python,
            arguments: ["-c", code], pluginDirectory: "/")
        let connection = PluginConnection(plugin: plugin, launcher: FoundationProcessLauncher()) { _ in }
        _ = try await connection.start(
            launch: ProcessLaunch(
                executable: python, arguments: ["-c", code], environment: ProcessInfo.processInfo.environment,
                workingDirectory: nil),
            params: InitializeParams(hostVersion: "test", spec: "test.py", runID: "r"))
        defer { Task { await connection.shutdown() } }
        var masks: [String: UInt64] = [:]
        for line in workspace.read("status.txt").split(separator: "\n") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let value = UInt64(parts[1], radix: 16) { masks[parts[0]] = value }
        }
        let blocked = try #require(masks["SigBlk"])
        let ignored = try #require(masks["SigIgn"])
        #expect(blocked & Self.bit(SIGTERM) == 0)
        #expect(ignored & Self.bit(SIGTERM) == 0)
    }

    @Test("dltaf's own SIGPIPE handling is not inherited (Python ignores SIGPIPE itself, so a shell reports it)")
    func sigpipeNotIgnored() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let status = workspace.path("status.txt")
        // Dispositions are per process, so reading the shell's own status while it waits for grep is reliable.
        let connection = try await ConnectionTests.connect(
            "grep SigIgn /proc/$$/status > \(status); read -r line; echo '\(ConnectionTests.hello)'; read -r line")
        defer { Task { await connection.shutdown() } }
        let field = workspace.read("status.txt").split(separator: ":").last?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let ignored = try #require(field.flatMap { UInt64($0, radix: 16) })
        #expect(ignored & Self.bit(SIGPIPE) == 0)
        #expect(ignored & Self.bit(SIGTERM) == 0)
    }
}
