import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("fault injection: plugins that crash, stop answering or hang")
struct CrashAndTimeoutTests {
    /// A shell plugin that says why on stderr and exits 3 before reading anything.
    static func installCrashOnStart(in workspace: Workspace) throws {
        try workspace.write(
            "plugins/fault/runner",
            "#!/bin/sh\necho $$ >> pids.txt\necho 'fatal: cannot open /etc/fault.conf' >&2\nexit 3\n",
            executable: true)
    }

    @Test(
        "1. a plugin that exits 3 before reading anything fails the start with its stderr",
        .timeLimit(.minutes(1)))
    func crashOnStart() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try Self.installCrashOnStart(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "plugin_start_failed")
        let message = result["error"]?.text("message") ?? ""
        #expect(message.contains("plugin fault.runner "), "\(message)")
        #expect(message.contains(" without reporting a result for initialize"), "\(message)")
        // The exact text, with the exit status and the stderr tail, is scenario 1b (a race loses them at times).
        #expect(outcome.stderr.contains("[fault.runner] fatal: cannot open /etc/fault.conf"))
    }

    @Test(
        "1b. a plugin that exits before its handshake: its status and stderr are always in the message",
        .timeLimit(.minutes(1)))
    func crashOnStartAlwaysExplained() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try Self.installCrashOnStart(in: scenario.workspace)
        try scenario.manifest()
        // 40 runs, 8 at a time: the race shows under CPU contention.
        var messages: [String] = []
        for _ in 0..<5 {
            messages += try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let outcome = try await scenario.start(fastFlags).finish(timeout: 10)
                        return try outcome.json()["error"]?.text("message") ?? "exit \(outcome.status), no error"
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        let expected =
            "plugin fault.runner exited without reporting a result for initialize (exited with status 3)\n"
            + "  last stderr lines:\n    fatal: cannot open /etc/fault.conf"
        let wrong = messages.filter { $0 != expected }
        #expect(wrong.isEmpty, "\(wrong.count) of \(messages.count) runs said: \(Set(wrong))")
        #expect(await scenario.leakedProcesses().isEmpty)
    }

    @Test(
        "2. a plugin that dies of SIGSEGV during runner/run is reported with the signal and its last words",
        .timeLimit(.minutes(1)))
    func crashMidRun() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                log("loading row 42 of 100")
                log("native extension: bad pointer 0x0")
                os.kill(os.getpid(), signal.SIGSEGV)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "plugin_exited")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains(
                "plugin fault.runner exited without reporting a result for runner/run (killed by SIGSEGV)"),
            "\(message)")
        #expect(message.contains("native extension: bad pointer 0x0"), "the stderr tail is in the message")
        #expect(result.text("message").contains("killed by SIGSEGV"))
        #expect(result["plugins"]?[0]?.text("exit").contains("SIGSEGV") == true, "\(result["plugins"] ?? .null)")
        #expect(outcome.stderr.contains("killed by SIGSEGV"))
    }

    @Test("3. a plugin that exits 0 during runner/run without answering has failed", .timeLimit(.minutes(1)))
    func exitZeroWithoutResult() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(onRun: "log(\"all done, bye\")\nsys.exit(0)").install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "plugin_exited")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains(
                "plugin fault.runner exited without reporting a result for runner/run (exited with status 0)"),
            "\(message)")
        #expect(message.contains("all done, bye"))
        #expect(result["plugins"]?[0]?["exit"] == "exited with status 0")
    }

    @Test("4. a plugin that never answers initialize hits the startup timeout", .timeLimit(.minutes(1)))
    func hangBeforeHandshake() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(atStart: "log(\"warming caches\")\ntime.sleep(300)").install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run([
            "--startup-timeout", "1", "--idle-timeout", "10", "--shutdown-grace", "0.5",
        ])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 1 + 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["category"] == "TIMEOUT")
        #expect(result["error"]?["code"] == "plugin_timeout")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains("plugin fault.runner did not answer initialize within 1s (startup timeout)"), "\(message)")
        #expect(message.contains("warming caches"))
    }

    @Test("5. a plugin silent during runner/run hits the idle timeout", .timeLimit(.minutes(1)))
    func idleTimeout() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        // Silent: it waits on stdin (where the cancel for the timed-out call arrives), writing nothing.
        try FaultPlugin(onRun: "record(\"cancels.log\", sys.stdin.readline().strip())\ntime.sleep(300)").install(
            in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run([
            "--startup-timeout", "10", "--idle-timeout", "1", "--cancel-grace", "0.5", "--shutdown-grace", "0.5",
        ])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 1 + 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["category"] == "TIMEOUT")
        #expect(result["error"]?["code"] == "plugin_timeout")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains("plugin fault.runner sent nothing for 1s during runner/run (idle timeout)"), "\(message)")
        // dltaf asked the plugin to stop the timed-out request.
        let runID = try #require(scenario.requestID("run"))
        let cancel = try JSONParser.parse(scenario.workspace.read("cancels.log"))
        #expect(cancel["method"] == "cancel")
        #expect(cancel["params"]?["id"]?.intValue == runID)
    }

    @Test("6. heartbeats keep the idle timer quiet, the absolute limit still ends the call", .timeLimit(.minutes(1)))
    func heartbeatsForever() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                while True:
                    notify("heartbeat", {"request_id": i})
                    time.sleep(0.1)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run([
            "--startup-timeout", "10", "--idle-timeout", "1", "--max-call-time", "1.5", "--cancel-grace", "0.5",
            "--shutdown-grace", "0.5",
        ])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 1.5 + 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["category"] == "TIMEOUT")
        #expect(result["error"]?["code"] == "plugin_timeout")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains("plugin fault.runner did not answer runner/run within 1.5s (absolute timeout)"),
            "\(message)")
        #expect(!message.contains("idle timeout"))
    }

    @Test("20. a truncated last line then exit: failure plus a truncated-line warning", .timeLimit(.minutes(1)))
    func truncatedLastLine() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                sys.stdout.write('{"jsonrpc": "2.0", "id": %d, "result": {"status": "succ' % i)
                sys.stdout.flush()
                sys.exit(0)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "plugin_exited")
        #expect(
            result["error"]?.text("message").contains(
                "plugin fault.runner exited without reporting a result for runner/run (exited with status 0)") == true,
            "\(result["error"] ?? .null)")
        #expect(
            outcome.stderr.contains(
                "stdout_noise: non-protocol output on stdout: \"truncated last line: {\"jsonrpc\": \"2.0\", \"id\""),
            "\(outcome.stderrTail)")
    }

    @Test("21. a plugin that closes its stdout and sleeps fails the call and is killed", .timeLimit(.minutes(1)))
    func closesStdout() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                log("closing stdout")
                sys.stdout.flush()
                os.close(1)
                time.sleep(300)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        // dltaf gives a plugin whose stdout closed 2 s to exit (to report how it ended), then the shutdown grace.
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2 + 0.5 + 2)
        #expect(result["status"] == "failed")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains("plugin fault.runner closed its stdout without reporting a result for runner/run"),
            "\(message)")
        #expect(message.contains("closing stdout"))
        #expect(outcome.stderr.contains("SIGTERM to process group"), "the sleeping plugin was signalled")
    }
}
