import DltafTestSupport
import Foundation
import Testing

/// Usage errors exit 2 with the usage on stderr, for every command: as the Python dltaf's argparse does and
/// `dltaf --help` says (ArgumentParser alone would exit 64).
@Suite struct UsageErrorTests {
    static let commands: [[String]] = [
        ["exec"], ["manifest", "run"], ["manifest", "lint"], ["manifest", "show"], ["manifest", "schema"],
        ["manifest", "doctor"], ["plugins", "list"], ["plugins", "which"], ["plugins", "describe"],
        ["plugins", "lock"], ["plugins", "test"], ["infra-checks", "list"], ["infra-checks", "run"], ["runs", "list"],
        ["runs", "show"], ["state", "show"], ["state", "reset"], ["scaffold", "plugin"],
    ]

    @Test(arguments: commands)
    func anUnknownOptionExits2WithTheUsage(command: [String]) async throws {
        let output = try await runProcess(TestPaths.dltaf, command + ["--no-such-option"])
        #expect(output.status == 2, "\(command): \(output.stderr)")
        #expect(output.stderr.contains("Usage:"), "\(command): \(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func helpStillExits0() async throws {
        let output = try await runProcess(TestPaths.dltaf, ["exec", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE") || output.stdout.contains("Usage"))
    }
}
