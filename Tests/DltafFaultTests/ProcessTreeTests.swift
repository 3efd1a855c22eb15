import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("fault injection: plugins that leave processes behind")
struct ProcessTreeTests {
    @Test(
        "10. grandchildren sleeping in the background are killed with the plugin's group after a success",
        .timeLimit(.minutes(1)))
    func grandchildren() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                for _ in range(3):
                    spawn("sh", "-c", "sleep 300 & echo $! >> pids.txt").wait()
                answer(i, {"status": "success", "message": "forked three sleepers"})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        // 1 plugin + 3 shells (exited) + 3 orphaned sleeps, which hold the plugin's stdout and stderr.
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2, minimumPids: 7)
        #expect(result["status"] == "success")
        #expect(result.text("message") == "forked three sleepers")
        #expect(result["plugins"]?[0]?["exit"] == "exited with status 0", "\(result["plugins"] ?? .null)")
    }

    @Test(
        "11. a plugin that exits after answering run while a child holds its stdout does not hang dltaf",
        .timeLimit(.minutes(1)))
    func childHoldsStdout() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                spawn("sleep", "300")
                answer(i, {"status": "success", "message": "answered, now leaving"})
                sys.exit(0)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2, minimumPids: 2)
        #expect(result["status"] == "success")
        #expect(result.text("message") == "answered, now leaving")
        #expect(result["plugins"]?[0]?["exit"] == "exited with status 0", "\(result["plugins"] ?? .null)")
    }

    @Test(
        "11b. a hanging plugin whose child escaped into a session of its own: one message, bounded teardown",
        .timeLimit(.minutes(1)))
    func escapedGrandchild() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                spawn("setsid", "sleep", "300")
                time.sleep(300)
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags + ["--idle-timeout", "2"])
        // 2 s of idle limit, then cancel, shutdown and the group's SIGTERM: the same as without the escaped child
        // (before: 139 repeated lines and 9.7 s, every grace waited in full).
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 6, minimumPids: 2)
        #expect(result["error"]?["category"] == "TIMEOUT")
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("still holds its output") }.count <= 1, "\(outcome.stderrTail)")
        #expect(!outcome.stderr.contains("ignored SIGTERM"), "\(outcome.stderrTail)")
    }
}
