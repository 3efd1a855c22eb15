import DltafManifest
import DltafRun
import Foundation

extension LintReport {
    /// What `dltaf manifest lint` prints on stdout: `OK   name` or `FAIL name: first error` per manifest, then
    /// its findings indented; every message passes through `redactor`.
    ///
    /// - Parameter quiet: only failing manifests and their findings.
    public func lines(redactor: Redactor, quiet: Bool) -> [String] {
        var lines: [String] = []
        for item in items {
            let name = (item.file as NSString).lastPathComponent
            if item.ok {
                if !quiet { lines.append("OK   \(name)") }
            } else {
                let first = item.findings.first { $0.severity == .error }?.message ?? "validation failed"
                lines.append("FAIL \(name): \(redactor.redact(text: first))")
            }
            guard !item.ok || !quiet else { continue }
            for finding in item.findings { lines.append("  " + redactor.redact(text: finding.description)) }
        }
        return lines
    }

    /// The tally lint prints on stderr: `N manifests: P passed, F failed (T ms)`.
    public func summary(elapsed: Duration) -> String {
        let milliseconds = Int(
            Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        return "\(items.count) manifest\(items.count == 1 ? "" : "s"): "
            + "\(items.count - failed) passed, \(failed) failed (\(milliseconds) ms)"
    }
}
