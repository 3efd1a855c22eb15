import DltafJSON
import DltafTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("fault injection: Ctrl-C against plugins that ignore cancel, stdin EOF and SIGTERM")
struct CancellationTests {
    /// Time allowed after the signal: cancel grace, the bounded on_error hooks and the shutdown steps
    /// (close stdin, 0.5 s; SIGTERM, then SIGKILL after at most 1 s), plus 2 s.
    static let afterSignalBudget = 0.5 + 0.5 + 1 + 2
    /// Time allowed from the start of dltaf until the runner is working (two Python plugins, handshakes,
    /// validate, hooks): no limit is configured for it, so the same 2 s.
    static let startBudget = 2.0

    /// Starts dltaf, waits until the runner has received `runner/run`, sends SIGINT (twice when `twice`, the
    /// second once dltaf has sent its cancel) and waits for the end.
    ///
    /// - Returns: how dltaf ended and the seconds from the last SIGINT to its exit.
    static func interrupt(_ scenario: Scenario, flags: [String], twice: Bool = false) async throws
        -> (FaultOutcome, Double)
    {
        try await withRunSlot {
            let dltaf = try scenario.start(flags)
            let started = await scenario.waitForFile("run-started")
            #expect(started, "runner/run never started\n\(dltaf.stderr)")
            dltaf.send(SIGINT)
            if twice {
                let cancelling = await DltafProcess.poll(timeout: 10) {
                    dltaf.stderr.contains("sending cancel for runner/run")
                }
                #expect(cancelling, "\(dltaf.stderr)")
                dltaf.send(SIGINT)
            }
            let signalled = ContinuousClock.now
            let outcome = await dltaf.finish(timeout: 40)
            return (outcome, seconds(signalled.duration(to: outcome.endedAt)))
        }
    }

    @Test(
        "7. SIGINT while the runner ignores cancel: cancelled, exit 130, on_error hook ran, result file written",
        .timeLimit(.minutes(1)))
    func ignoreCancel() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        // It reads the cancel and ignores it; it does exit when its stdin closes.
        try FaultPlugin(
            onRun: """
                log("loading; a cancel will be ignored")
                while True:
                    line = sys.stdin.readline()
                    if not line:
                        record("eof.txt", "stdin closed: exiting")
                        sys.exit(0)
                    record("cancels.log", line.strip())
                """
        ).install(in: scenario.workspace)
        try FaultPlugin.auditHooks(in: scenario.workspace)
        try scenario.manifest(run: FaultManifest.auditHook)
        let (outcome, afterSignal) = try await Self.interrupt(scenario, flags: fastFlags)
        #expect(afterSignal < Self.afterSignalBudget, "exit \(afterSignal)s after SIGINT")
        let result = try await expectAftermath(
            scenario, outcome, status: 130, budget: Self.startBudget + Self.afterSignalBudget, minimumPids: 2)
        #expect(result["status"] == "cancelled")
        #expect(result["error"]?["code"] == "cancelled")
        #expect(try scenario.resultFile()["status"] == "cancelled")
        let runID = try #require(scenario.requestID("run"))
        #expect(outcome.stderr.contains("received SIGINT: cancelling the run"))
        #expect(outcome.stderr.contains("sending cancel for runner/run (request \(runID))"))
        #expect(outcome.stderr.contains("no answer to cancel within 500ms"))
        let cancel = try JSONParser.parse(scenario.workspace.read("cancels.log"))
        #expect(cancel["method"] == "cancel")
        #expect(cancel["params"]?["id"]?.intValue == runID, "an in-band cancel for the run request")
        #expect(scenario.workspace.read("hooks.log") == "audit:pre_run\naudit:on_error\n")
        let hookEvents = result["hooks"]?.arrayValue?.compactMap { $0["event"]?.stringValue } ?? []
        #expect(hookEvents.contains("on_error"), "\(result["hooks"] ?? .null)")
        #expect(scenario.workspace.read("eof.txt") == "stdin closed: exiting\n", "dltaf closed the plugin's stdin")
    }

    @Test(
        "8. a plugin ignoring cancel, stdin EOF and SIGTERM is SIGKILLed after the printed steps",
        .timeLimit(.minutes(1)))
    func ignoreSIGTERM() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin.stubborn(in: scenario.workspace)
        try scenario.manifest()
        let (outcome, afterSignal) = try await Self.interrupt(scenario, flags: fastFlags)
        #expect(afterSignal < Self.afterSignalBudget, "exit \(afterSignal)s after SIGINT")
        let pluginPID = try #require(scenario.pids.first)
        let result = try await expectAftermath(
            scenario, outcome, status: 130, budget: Self.startBudget + Self.afterSignalBudget, minimumPids: 2)
        #expect(result["status"] == "cancelled")
        let runID = try #require(scenario.requestID("run"))
        // The plugin got the cancel (and ignored it).
        #expect(scenario.workspace.read("cancels.log").contains("\"id\":\(runID)"))
        let steps = [
            "received SIGINT: cancelling the run",
            "sending cancel for runner/run (request \(runID))",
            "no answer to cancel within 500ms",
            "still running after its stdin closed: SIGTERM to process group \(pluginPID)",
            "ignored SIGTERM: SIGKILL to process group \(pluginPID)",
        ]
        var rest = Substring(outcome.stderr)
        for step in steps {
            let found = rest.range(of: step)
            #expect(found != nil, "missing, or out of order: \(step)\n\(outcome.stderrTail)")
            if let found { rest = rest[found.upperBound...] }
        }
        #expect(outcome.stderr.contains("[fault.runner] stdin closed; staying alive"))
    }

    @Test(
        "9. a second SIGINT kills every plugin group at once, without waiting for the grace periods",
        .timeLimit(.minutes(1)))
    func secondSIGINT() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin.stubborn(in: scenario.workspace)
        try scenario.manifest()
        let flags = [
            "--startup-timeout", "10", "--idle-timeout", "60", "--cancel-grace", "30", "--shutdown-grace", "30",
        ]
        let (outcome, afterSignal) = try await Self.interrupt(scenario, flags: flags, twice: true)
        // Grace periods are 30 s each: only the immediate kill explains an exit within 2 s.
        #expect(afterSignal < 2, "exit \(afterSignal)s after the second SIGINT")
        let result = try await expectAftermath(
            scenario, outcome, status: 130, budget: Self.startBudget + 2, minimumPids: 2)
        #expect(result["status"] == "cancelled")
        #expect(outcome.stderr.contains("received SIGINT again: SIGKILL to every plugin's process group"))
        #expect(!outcome.stderr.contains("no answer to cancel within"))
        // Killed means killed: no SIGTERM steps are reported for plugins that are gone already.
        #expect(!outcome.stderr.contains("ignored SIGTERM"), "\(outcome.stderrTail)")
        #expect(!outcome.stderr.contains("SIGTERM to process group"), "\(outcome.stderrTail)")
    }
}
