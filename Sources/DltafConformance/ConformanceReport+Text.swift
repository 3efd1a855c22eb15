import Foundation

extension ConformanceReport {
    /// What `dltaf plugins test` prints: a header naming `commandLine`, one aligned PASS/FAIL/KNOWN/STALE line
    /// per scenario with its detail, and the tally (stale baseline entries count as failing).
    public func text(baseline: Set<String>, commandLine: String) -> String {
        var lines = ["dltaf plugins test \(spec)  (\(commandLine))"]
        let verdicts = verdicts(baseline: baseline)
        let width = verdicts.map(\.0.name.count).max() ?? 0
        for (result, verdict) in verdicts {
            let name = result.name.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(verdict.label) \(name)  \(result.detail)")
        }
        let passed = verdicts.filter { $0.1 == .pass }.count
        let failed = verdicts.filter { $0.1 == .fail || $0.1 == .stale }.count
        lines.append("conformance of \(spec): \(passed) of \(verdicts.count) scenarios passed, \(failed) failing")
        return lines.joined(separator: "\n")
    }
}

extension ConformanceReport.Verdict {
    /// Five characters, so the scenario names line up.
    public var label: String {
        switch self {
        case .pass: "PASS "
        case .fail: "FAIL "
        case .knownFailure: "KNOWN"
        case .stale: "STALE"
        }
    }
}
