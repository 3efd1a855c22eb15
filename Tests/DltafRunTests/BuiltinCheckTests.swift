import DltafJSON
import DltafProtocol
import Foundation
import Testing

@testable import DltafRun

/// Calls a built-in check in-process as the run would.
private func call(
    _ check: some BuiltinExtension, _ method: String, config: JSONValue, directory: String = "/tmp"
) async throws -> JSONValue {
    try await check.handle(
        method: method,
        params: [
            "check": .string(check.provides.checks.first?.name ?? "?"), "config": config,
            "context": ["manifest_dir": .string(directory)], "timeout_seconds": 2.0,
        ])
}

@Suite("built-in checks, in process")
struct BuiltinCheckTests {
    @Test("every built-in check says why it does not apply when unconfigured")
    func appliesReasons() async throws {
        for check in Builtins.all(console: Console(minimumLevel: .error), environment: [:]) {
            guard let name = check.provides.checks.first?.name else { continue }
            let answer = try await call(check, ProtocolMethod.checkApplies, config: [:])
            #expect(answer["applies"] == false, "\(name)")
            #expect(answer["reason"]?.stringValue?.contains("run.online_checks.config.\(name)") == true, "\(name)")
        }
    }

    @Test("postgres applies from the resolver's variables and reports no secret")
    func postgresFromEnvironment() async throws {
        let prefix = PostgresCheck.environmentPrefix
        let check = PostgresCheck(environment: [
            prefix + "HOST": "127.0.0.1", prefix + "PORT": "1", prefix + "PASSWORD": "hunter2-secret",
            prefix + "DRIVERNAME": "postgresql+psycopg2",
        ])
        let applies = try await call(check, ProtocolMethod.checkApplies, config: [:])
        #expect(applies["applies"] == true)
        // The same variables with an Oracle driver are not this check's business.
        let oracle = PostgresCheck(environment: [prefix + "HOST": "db", prefix + "DRIVERNAME": "oracle+oracledb"])
        #expect(try await call(oracle, ProtocolMethod.checkApplies, config: [:])["applies"] == false)
        let outcome = CheckOutcome(json: try await call(check, ProtocolMethod.checkRun, config: [:]))
        #expect(!outcome.ok)
        #expect(outcome.details["source"] == "environment")
        #expect(!outcome.json.jsonText.contains("hunter2-secret"))
        let badPort = PostgresCheck(environment: [prefix + "HOST": "h", prefix + "PORT": "x"])
        let refused = CheckOutcome(json: try await call(badPort, ProtocolMethod.checkRun, config: [:]))
        #expect(refused.errors == ["\(prefix)PORT is not a number"])
    }

    @Test("env reports missing and empty names, never values")
    func environment() async throws {
        let check = EnvCheck(environment: ["SET": "value-123", "EMPTY": ""])
        let outcome = CheckOutcome(
            json: try await call(check, ProtocolMethod.checkRun, config: ["required": ["SET", "EMPTY", "ABSENT"]]))
        #expect(!outcome.ok)
        #expect(outcome.errors == ["missing environment variables: ABSENT", "empty environment variables: EMPTY"])
        #expect(!outcome.json.jsonText.contains("value-123"))
    }

    @Test("path resolves relative paths against the manifest's folder")
    func paths() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-path-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = CheckOutcome(
            json: try await call(
                PathCheck(), ProtocolMethod.checkRun, config: ["paths": ["sub", "gone"]], directory: directory))
        #expect(outcome.errors == ["gone: No such file or directory"])
        #expect(outcome.details["results"]?.arrayValue?.first?["type"] == "directory")
    }

    @Test("http refuses bad settings before any request")
    func httpSettings() async throws {
        let outcome = CheckOutcome(
            json: try await call(
                HTTPCheck(), ProtocolMethod.checkRun, config: ["url": "http://127.0.0.1:1/", "method": "POST"]))
        #expect(outcome.errors == ["method must be GET or HEAD, not POST"])
        let status = CheckOutcome(
            json: try await call(
                HTTPCheck(), ProtocolMethod.checkRun, config: ["url": "http://127.0.0.1:1/", "expected_status": "ok"]))
        #expect(status.errors == ["expected_status must be a status code or a list of codes"])
    }

    @Test("a missing client library is a warning, not an error")
    func dependencyMissing() {
        let outcome = CheckOutcome.dependencyMissing(
            "dependency_missing: libpq.so.5 not found (install Debian package libpq5)")
        #expect(outcome.ok)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.warnings.first?.hasPrefix("dependency_missing:") == true)
        #expect(outcome.details["attempted"] == false)
        #expect(outcome.details["reason"] == "dependency_missing")
    }
}
