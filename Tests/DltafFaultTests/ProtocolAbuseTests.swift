import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("fault injection: plugins that break the protocol")
struct ProtocolAbuseTests {
    /// Two banner lines a careless plugin prints on stdout before its handshake.
    static let banner = """
        sys.stdout.write("Loading fault plugin v1.0...\\n")
        sys.stdout.write("Welcome!\\n")
        sys.stdout.flush()
        """

    @Test(
        "12a. garbage before the handshake, then valid answers: success with a stdout_noise warning",
        .timeLimit(.minutes(1)))
    func garbageBeforeHandshake() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(atStart: Self.banner).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(result["status"] == "success")
        #expect(
            outcome.stderr.contains(
                "stdout_noise: non-protocol output on stdout before its handshake: \"Loading fault plugin v1.0...\""),
            "\(outcome.stderrTail)")
        #expect(outcome.stderr.contains("before its handshake: \"Welcome!\""))
    }

    @Test("12b. garbage before the handshake, then silence: the failure names the garbage", .timeLimit(.minutes(1)))
    func garbageThenSilence() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(atStart: Self.banner + "\ntime.sleep(300)").install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run([
            "--startup-timeout", "1", "--idle-timeout", "10", "--shutdown-grace", "0.5",
        ])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 1 + 2)
        #expect(result["status"] == "failed")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains(
                "plugin fault.runner broke the protocol during initialize: it wrote non-protocol output before "
                    + "answering initialize (2 line(s)); first: \"Loading fault plugin v1.0...\""),
            "\(message)")
        #expect(message.contains("did not answer initialize within 1s (startup timeout)"), "the underlying problem")
    }

    /// A runner that prints a progress line on stdout during `runner/run`, then answers.
    static let noisyRun = FaultPlugin(
        onRun: """
            sys.stdout.write("processing rows 1..100\\n")
            sys.stdout.flush()
            answer(i, {"status": "success", "message": "noisy but done"})
            """)

    @Test("13a. noise on stdout during runner/run: a warning, the run succeeds", .timeLimit(.minutes(1)))
    func noiseMidRun() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try Self.noisyRun.install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(result["status"] == "success")
        #expect(result.text("message") == "noisy but done")
        #expect(
            outcome.stderr.contains("stdout_noise: non-protocol output on stdout: \"processing rows 1..100\""),
            "\(outcome.stderrTail)")
        #expect(!outcome.stderr.contains("before its handshake"))
    }

    @Test("13b. the same noise with --strict-protocol: exit 1, protocol_violation", .timeLimit(.minutes(1)))
    func noiseMidRunStrict() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try Self.noisyRun.install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags + ["--strict-protocol"])
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        #expect(result["error"]?["code"] == "protocol_violation")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains(
                "plugin fault.runner broke the protocol during runner/run: it wrote non-protocol output on stdout: "
                    + "\"processing rows 1..100\" (--strict-protocol)"),
            "\(message)")
    }

    @Test("15. invalid UTF-8 inside a JSON string is noise marked (invalid UTF-8)", .timeLimit(.minutes(1)))
    func invalidUTF8() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onRun: """
                sys.stdout.buffer.write(b'{"jsonrpc": "2.0", "method": "log", "params": {"level": "info", "message": "bad \\xff\\xfe bytes"}}\\n')
                sys.stdout.flush()
                answer(i, {"status": "success", "message": "done after bad bytes"})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(result["status"] == "success")
        let warning = outcome.stderr.split(separator: "\n").first { $0.contains("stdout_noise") }
        #expect(
            warning?.contains("non-protocol output on stdout: \"{\"jsonrpc\": \"2.0\", \"method\": \"log\"") == true)
        #expect(warning?.contains("(invalid UTF-8)") == true, "\(outcome.stderrTail)")
        #expect(!outcome.stderr.contains("[fault.runner] bad "), "the broken message is not logged as a message")
    }

    @Test(
        "16. a duplicate response and a response to an unknown id: warnings, and the run succeeds",
        .timeLimit(.minutes(1)))
    func duplicateAndUnknownResponses() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onValidate: """
                answer(i, {"diagnostics": []})
                answer(i, {"diagnostics": [{"severity": "error", "message": "a late second answer"}]})
                """,
            onRun: """
                answer(999, {"status": "failed", "message": "not yours"})
                answer(i, {"status": "success", "message": "the real answer"})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 0, budget: 2)
        #expect(result["status"] == "success")
        #expect(result.text("message") == "the real answer")
        let validateID = try #require(scenario.requestID("validate"))
        #expect(
            outcome.stderr.contains("protocol: a second response to request \(validateID) (ignored)"),
            "\(outcome.stderrTail)")
        #expect(outcome.stderr.contains("protocol: a response to unknown id 999 (ignored)"))
    }

    @Test("17a. a handshake choosing protocol version 99 fails the start", .timeLimit(.minutes(1)))
    func wrongProtocolVersion() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(onInitialize: "answer(i, dict(HELLO, protocol_version=99))").install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        let message = result["error"]?.text("message") ?? ""
        #expect(
            message.contains(
                "plugin fault.runner broke the protocol during initialize: it chose protocol version 99, "
                    + "but dltaf offered 1"),
            "\(message)")
        #expect(!scenario.workspace.read("ids.txt").contains("run"), "no call after a failed handshake")
    }

    @Test("17b. a -32002 unsupported-version answer fails the start with the plugin's message", .timeLimit(.minutes(1)))
    func unsupportedVersionError() async throws {
        let scenario = try Scenario()
        defer { scenario.remove() }
        try FaultPlugin(
            onInitialize: """
                error(i, -32002, "this plugin speaks protocol version 7 only", {"supported": [7]})
                """
        ).install(in: scenario.workspace)
        try scenario.manifest()
        let outcome = try await scenario.run(fastFlags)
        let result = try await expectAftermath(scenario, outcome, status: 1, budget: 2)
        #expect(result["status"] == "failed")
        let message = result["error"]?.text("message") ?? ""
        #expect(message.contains("plugin fault.runner failed initialize: this plugin speaks protocol version 7 only"))
        #expect(!scenario.workspace.read("ids.txt").contains("run"), "no call after a failed handshake")
    }
}
