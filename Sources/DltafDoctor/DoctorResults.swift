import DltafManifest
public import DltafYAML

/// The issues of one manifest text.
public struct Diagnosis: Sendable {
    /// The document as loaded (nil for an empty file).
    public var root: YAMLNode?
    /// The issues, in the order the Python doctor reports them, then `YAML11_BOOLEAN`.
    public var issues: [DoctorIssue]

    /// Creates a diagnosis.
    public init(root: YAMLNode?, issues: [DoctorIssue]) {
        self.root = root
        self.issues = issues
    }

    /// The manifest in canonical `sqldb` layout as YAML, or nil when it is not a SQL-family manifest.
    public var canonicalSQLDB: String? {
        root.flatMap { SQLDBCanonical.yaml($0.jsonValue) }
    }
}

/// A fix that was made, and the text edits that made it.
public struct AppliedFix: Sendable, Equatable {
    /// The issue it fixes (its `fix` is set).
    public var issue: DoctorIssue
    /// The edits, positioned in the original text.
    public var edits: [TextEdit]
}

/// A fix that could not be made in place.
public struct SkippedFix: Sendable, Equatable {
    /// The issue.
    public var issue: DoctorIssue
    /// Why, in English (`source is the alias *base; change the anchored value by hand`).
    public var reason: String
}

/// The outcome of fixing one text.
public struct FixOutcome: Sendable {
    /// The new text (the original when nothing was applied).
    public var bytes: [UInt8]
    /// Fixes made.
    public var applied: [AppliedFix]
    /// Fixes that could not be made.
    public var skipped: [SkippedFix]
}
