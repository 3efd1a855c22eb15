import DltafJSON
import DltafManifest
import Foundation

/// One `dltaf manifest doctor` pass over many files: the text of each file's report (or, in JSON mode, the
/// collected document), the totals, and when `--fail-fast` says to stop. The caller prints.
public struct DoctorBatch: Sendable {
    /// What the pass does and prints.
    public struct Options: Sendable {
        /// Apply the FIX issues in place.
        public var apply = false
        /// Any issue fails the pass (and, with `failFast`, stops it).
        public var check = false
        /// Stop at the first ERROR or failure (with `check`, at any issue).
        public var failFast = false
        /// Collect one JSON document instead of text lines.
        public var json = false
        /// Add the canonical sqldb YAML of SQL-family manifests to the output.
        public var printCanonical = false
        /// Also write that canonical YAML into this folder (originals are kept).
        public var canonicalDirectory: String?

        /// The defaults: report only.
        public init() {}
    }

    /// What the pass does and prints.
    public let options: Options
    private let doctor = ManifestDoctor()
    private var reports: [JSONValue] = []
    private var totalIssues = 0
    private var appliedFixes = 0
    private var stoppedEarly = false

    /// A pass with `options`.
    public init(options: Options) {
        self.options = options
    }

    /// Examines (and with `apply` fixes) one file.
    ///
    /// - Returns: the lines to print now (none in JSON mode), and whether to go on (false when `failFast`
    ///   says to stop).
    public mutating func examine(_ file: String) -> (lines: [String], proceed: Bool) {
        let report = doctor.examine(file: file, apply: options.apply)
        totalIssues += report.issueCount
        appliedFixes += report.applied.count
        var lines = report.textLines
        var json = report.json
        if options.printCanonical || options.canonicalDirectory != nil, let canonical = report.diagnosis?.canonicalSQLDB
        {
            canonicalOutput(canonical, report: report, lines: &lines, json: &json)
        }
        if options.json {
            reports.append(json)
            lines = []
        }
        let fixable = report.issues.contains { $0.level == .fix && $0.fix != nil }
        let shouldStop =
            report.failure != nil || report.count(.error) > 0
            || (options.check && (report.count(.warn) > 0 || fixable))
        if options.failFast && shouldStop {
            stoppedEarly = true
            return (lines, false)
        }
        return (lines, true)
    }

    private func canonicalOutput(
        _ canonical: String, report: DoctorFileReport, lines: inout [String], json: inout JSONValue
    ) {
        if options.printCanonical {
            lines.append("  CANONICAL_SQLDB_BEGIN")
            lines.append(canonical.trimmingCharacters(in: .newlines))
            lines.append("  CANONICAL_SQLDB_END")
            if case .object(var object) = json {
                object["canonical_sqldb"] = .string(canonical)
                json = .object(object)
            }
        }
        if let folder = options.canonicalDirectory {
            let path = (folder as NSString).appendingPathComponent(report.name)
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try AtomicFile.write(Array(canonical.utf8), to: path)
                lines.append("  CANONICAL_SQLDB_WRITE: \(path)")
            } catch {
                lines.append("  CANONICAL_SQLDB_WRITE failed: \(path): \(error)")
            }
        }
    }

    /// Whether the pass failed: it stopped early, or `check` found an issue (exit 1).
    public var failed: Bool { stoppedEarly || (options.check && totalIssues > 0) }

    /// The closing text: the JSON document of every file, the totals and `exit_code`, or the summary line.
    public var summary: String {
        guard options.json else {
            let lead = stoppedEarly ? "Stopped (--fail-fast)." : "Done."
            return "\(lead) Total issues=\(totalIssues), applied_fixes=\(appliedFixes)"
        }
        let document: JSONValue = [
            "files": .array(reports), "total_issues": .int(totalIssues), "applied_fixes": .int(appliedFixes),
            "exit_code": .int(failed ? 1 : 0),
        ]
        return JSONWriter(style: .pretty).string(document)
    }
}
