public import DltafJSON
public import DltafManifest
import DltafRun

/// The verdict on one manifest.
public struct LintItem: Sendable {
    /// The manifest file, absolute.
    public var file: String
    /// `pipeline.name`, when it could be read.
    public var pipeline: String?
    /// Every finding, errors first.
    public var findings: [ManifestDiagnostic]

    /// Whether the manifest passed (warnings allowed).
    public var ok: Bool { !findings.contains { $0.severity == .error } }

    /// The `--json` form.
    public var json: JSONValue {
        [
            "file": .string(file), "pipeline": pipeline.map(JSONValue.string) ?? .null, "ok": .bool(ok),
            "errors": .array(findings.filter { $0.severity == .error }.map(\.json)),
            "warnings": .array(findings.filter { $0.severity == .warning }.map(\.json)),
        ]
    }
}

/// The verdicts of one `manifest lint`.
public struct LintReport: Sendable {
    /// One item per manifest, in the order they were named or found.
    public var items: [LintItem]

    /// How many failed.
    public var failed: Int { items.filter { !$0.ok }.count }

    /// The `--json` form.
    public var json: JSONValue {
        [
            "ok": .bool(failed == 0), "checked": .int(items.count), "passed": .int(items.count - failed),
            "failed": .int(failed), "manifests": .array(items.map(\.json)),
        ]
    }
}
