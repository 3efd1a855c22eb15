import DltafManifest
import DltafYAML

/// What the doctor found and did for one file.
public struct DoctorFileReport: Sendable {
    /// The file as given (absolute when the caller made it so).
    public var file: String
    /// The issues; empty when the file failed to load.
    public var issues: [DoctorIssue] = []
    /// Fixes written to the file.
    public var applied: [AppliedFix] = []
    /// Fixes that could not be made in place.
    public var skipped: [SkippedFix] = []
    /// Why the file could not be examined or fixed; it is never left half-written.
    public var failure: DoctorError?
    /// The loaded document, for follow-up output (the canonical `sqldb` form); nil when it failed to load.
    public var diagnosis: Diagnosis?

    /// Creates a report.
    public init(file: String) {
        self.file = file
    }

    /// The file's name without folders, as the Python doctor prints it.
    public var name: String {
        file.split(separator: "/").last.map(String.init) ?? file
    }

    /// Issues counted for `Total issues=`: every issue, plus one for a failure.
    public var issueCount: Int { issues.count + (failure == nil ? 0 : 1) }

    /// Issues of `level`.
    public func count(_ level: DoctorLevel) -> Int {
        issues.filter { $0.level == level }.count
    }
}

extension ManifestDoctor {
    /// Reads, examines and (with `apply`) fixes the file at `path`, writing atomically only when something changed.
    public func examine(file path: String, apply: Bool) -> DoctorFileReport {
        var report = DoctorFileReport(file: path)
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxInputBytes)
        } catch {
            report.failure = error
            return report
        }
        do throws(DoctorError) {
            let diagnosis = try diagnose(bytes, file: path)
            report.diagnosis = diagnosis
            report.issues = diagnosis.issues
            guard apply else { return report }
            let outcome = try fix(bytes, file: path, diagnosis: diagnosis)
            report.skipped = outcome.skipped
            guard !outcome.applied.isEmpty, outcome.bytes != bytes else { return report }
            do {
                try AtomicFile.write(outcome.bytes, to: path)
            } catch {
                throw .writeFailed(file: path, reason: error.reason)
            }
            report.applied = outcome.applied
        } catch {
            report.failure = error
        }
        return report
    }
}
