import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("hooks run in order and can veto; checks are selected and gate the run")
struct HookAndCheckTests {
    @Test("pre_run in order, post_run in reverse, one process per hook plugin")
    func hookOrder() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {enable: [second, first], plugins: [acme.hooks]}"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(
            workspace.read("calls.log")
                == "runner:validate\nsecond:pre_run\nfirst:pre_run\nrunner:run\nfirst:post_run\nsecond:post_run\n")
        let hooksPlugin = try output.json()["plugins"]?.arrayValue?.first { $0["spec"] == "acme.hooks" }
        #expect(hooksPlugin?["calls"] == 4)
    }

    @Test("a pre_run veto stops the run before the runner; reached hooks get on_error in reverse")
    func veto() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(
                run: "hooks:\n  enable: [first, second]\n  plugins: [acme.hooks]\n  config: {second: {veto: true}}"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 1)
        let result = try output.json()
        #expect(result["error"]?["code"] == "hook_veto")
        #expect(result["error"]?["category"] == "POLICY")
        #expect(result["message"]?.stringValue?.contains("second says no") == true)
        #expect(
            workspace.read("calls.log")
                == "runner:validate\nfirst:pre_run\nsecond:pre_run\nsecond:on_error\nfirst:on_error\n")
    }

    @Test("`only` selects exactly the listed hooks; disable drops a default")
    func hookSelection() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {only: [second], plugins: [acme.hooks]}"))
        let only = try await workspace.dltaf(["exec", "m.yaml", "--plan", "--json"])
        #expect(try only.json()["plan"]?["hooks"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["second"])
        try workspace.write("d.yaml", Fixtures.manifest(run: "hooks: {disable: [log]}"))
        let disabled = try await workspace.dltaf(["exec", "d.yaml", "--plan", "--json"])
        #expect(try disabled.json()["plan"]?["hooks"] == [])
    }

    @Test("an unknown hook name is a located manifest error with a suggestion")
    func unknownHook() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks:\n  enable: [frist]\n  plugins: [acme.hooks]"))
        let output = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("m.yaml:13:14: error: unknown hook \"frist\" (did you mean \"first\"?)"))
    }

    @Test("a failing selected check exits 3 before any hook or runner call")
    func failingCheck() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        let port = try closedPort()
        try workspace.write(
            "m.yaml", Fixtures.manifest(run: "online_checks: {config: {tcp: {endpoints: [\"127.0.0.1:\(port)\"]}}}"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 3)
        let result = try output.json()
        #expect(result["checks"]?["ok"] == false)
        #expect(result["checks"]?["selected"] == ["tcp"])
        #expect(result["error"]?["code"] == "online_checks_failed")
        #expect(workspace.read("calls.log") == "runner:validate\n")
    }

    @Test("the tcp check passes against a listening port and reports its latency; disable skips it")
    func passingAndDisabledCheck() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        let listener = try LoopbackListener()
        defer { listener.close() }
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(run: "online_checks: {config: {tcp: {endpoints: [\"127.0.0.1:\(listener.port)\"]}}}"))
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let tcp = try output.json()["checks"]?["results"]?["tcp"]
        #expect(tcp?["ok"] == true)
        #expect(tcp?["details"]?["results"]?[0]?["latency_ms"]?.doubleValue != nil)
        let closed = try closedPort()
        try workspace.write(
            "d.yaml",
            Fixtures.manifest(
                run: "online_checks:\n  disable: [tcp]\n  config: {tcp: {endpoints: [\"127.0.0.1:\(closed)\"]}}"))
        let disabled = try await workspace.dltaf(["exec", "d.yaml", "--json"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try disabled.json()["checks"] == nil)
    }

    @Test("--dry-run-online runs the checks; --dry-run-strict makes their failure exit 3")
    func dryRunChecks() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        let port = try closedPort()
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(run: "online_checks: {only: [tcp], config: {tcp: {endpoints: [\"127.0.0.1:\(port)\"]}}}"))
        let strict = try await workspace.dltaf(["exec", "m.yaml", "--dry-run-online", "--dry-run-strict"])
        #expect(strict.status == 3)
        #expect(strict.stderr.contains("connection refused") || strict.stderr.contains("Connection refused"))
        let lenient = try await workspace.dltaf(["exec", "m.yaml", "--dry-run-online", "--json"])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        let result = try lenient.json()
        #expect(result["status"] == "dry_run_online")
        #expect(result["checks"]?["ok"] == false)
        #expect(result["plan"]?["dry_run"]?["ok"] == false)
        // The offline dry run does not touch the network.
        let offline = try await workspace.dltaf(["exec", "m.yaml", "--dry-run", "--json"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(try offline.json()["checks"] == nil)
    }
}

/// A loopback port nothing listens on.
func closedPort() throws -> Int {
    let listener = try LoopbackListener()
    listener.close()
    return listener.port
}
