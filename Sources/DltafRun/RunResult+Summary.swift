import DltafJSON
import Foundation

extension RunResult {
    /// The one-paragraph human summary of a run: status, pipeline and duration, then the (redacted) message,
    /// rows loaded, warnings and the run id, indented.
    public var summary: String {
        let seconds = finishedAt.map { "\(($0.timeIntervalSince(startedAt) * 100).rounded() / 100)s" } ?? "?"
        var lines = ["\(status.rawValue): \(pipelineName ?? manifestPath ?? "manifest") in \(seconds)"]
        let message = redactedMessage
        if !message.isEmpty { lines.append("  " + message.replacingOccurrences(of: "\n", with: "\n  ")) }
        if let rows = loadMetrics?["rows_count"]?.intValue { lines.append("  rows: \(rows)") }
        for warning in redactedWarnings { lines.append("  warning: \(warning)") }
        lines.append("  run_id: \(runID)")
        return lines.joined(separator: "\n")
    }
}
