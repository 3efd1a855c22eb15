public import DltafJSON
public import DltafPluginHost
import DltafProtocol
import Foundation

/// `dltaf plugins test`: drives one plugin through scripted scenarios and reports each as passed or failed
/// with the reason. Scenario inputs are the protocol vectors' shapes: a synthetic manifest and context whose
/// folder is a temporary directory, so a plugin's side effects land there.
public struct ConformanceKit: Sendable {
    /// The plugin under test.
    public let plugin: ResolvedPlugin
    /// dltaf's environment (the plugin gets the usual allowlist of it).
    public let environment: [String: String]
    /// Limits of each session; short, so a broken plugin fails fast.
    public var limits = ConnectionLimits(
        startup: .seconds(10), shutdownGrace: .seconds(2), cancelGrace: .seconds(2), idle: .seconds(10),
        absolute: .seconds(30))
    /// How long a single call may take before its scenario fails.
    public var callTimeout: Duration = .seconds(10)

    /// Creates a kit for `plugin`.
    public init(plugin: ResolvedPlugin, environment: [String: String]) {
        self.plugin = plugin
        self.environment = environment
    }

    /// Runs every scenario, in order.
    public func run() async -> ConformanceReport {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dltaf-conformance-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenarios = Scenarios(kit: self, directory: directory)
        return ConformanceReport(spec: plugin.spec.description, results: await scenarios.runAll())
    }
}

/// The outcome of one scenario.
public struct ScenarioResult: Sendable, Equatable {
    /// The scenario's stable name (used in baselines).
    public var name: String
    /// Whether the plugin behaved as the protocol requires.
    public var passed: Bool
    /// What was observed, or why it failed.
    public var detail: String
    /// Time the scenario took.
    public var milliseconds: Double
}

/// Every scenario's outcome, and the verdict against a baseline of known failures.
public struct ConformanceReport: Sendable {
    /// The plugin's spec.
    public var spec: String
    /// Scenario outcomes, in order.
    public var results: [ScenarioResult]

    /// How one scenario counts once the baseline is applied.
    public enum Verdict: String, Sendable {
        /// Passed.
        case pass
        /// Failed, and not expected to.
        case fail
        /// Failed, and listed in the baseline.
        case knownFailure = "known-failure"
        /// Listed in the baseline but passed now: remove it from the baseline.
        case stale = "stale-baseline"
    }

    /// Each result with its verdict; `baseline` lists scenario names expected to fail.
    public func verdicts(baseline: Set<String>) -> [(ScenarioResult, Verdict)] {
        results.map { result in
            switch (result.passed, baseline.contains(result.name)) {
            case (true, false): (result, .pass)
            case (true, true): (result, .stale)
            case (false, true): (result, .knownFailure)
            case (false, false): (result, .fail)
            }
        }
    }

    /// Whether the plugin conforms: no unexpected failure and no stale baseline entry.
    public func succeeded(baseline: Set<String>) -> Bool {
        verdicts(baseline: baseline).allSatisfy { $0.1 == .pass || $0.1 == .knownFailure }
    }

    /// Reads a baseline file: one scenario name per line; `#` starts a comment.
    public static func readBaseline(_ path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return Set(
            text.split(separator: "\n").compactMap { line in
                let name =
                    line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                return name.isEmpty ? nil : name
            })
    }

    /// The JSON form.
    public func json(baseline: Set<String>) -> JSONValue {
        [
            "spec": .string(spec),
            "ok": .bool(succeeded(baseline: baseline)),
            "scenarios": .array(
                verdicts(baseline: baseline).map { result, verdict in
                    [
                        "name": .string(result.name), "verdict": .string(verdict.rawValue),
                        "passed": .bool(result.passed), "detail": .string(result.detail),
                        "duration_ms": .double((result.milliseconds * 10).rounded() / 10),
                    ]
                }),
        ]
    }
}
