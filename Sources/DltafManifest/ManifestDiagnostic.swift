public import DltafYAML

/// A located finding about a manifest.
public struct ManifestDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// How serious it is.
    public enum Severity: String, Sendable {
        /// The manifest cannot be used.
        case error
        /// Worth fixing; the manifest still runs.
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// What is wrong.
    public var message: String
    /// The manifest file.
    public var file: String
    /// Where, 1-based; nil when the value did not come from the file.
    public var mark: YAMLMark?
    /// The key path (`run.hooks.enable[1]`).
    public var path: ManifestPath?
    /// A stable code (`yaml.duplicate_key`, `manifest.unknown_key`, `runner.<code>`, ...).
    public var code: String

    /// Creates a diagnostic.
    public init(
        severity: Severity = .error, code: String, message: String, file: String, mark: YAMLMark?,
        path: ManifestPath?
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.mark = mark
        self.path = path
    }

    /// `file:line:column: error: message [at key.path]`, the form compilers use.
    public var description: String {
        var text = file
        if let mark { text += ":\(mark.line):\(mark.column)" }
        text += ": \(severity.rawValue): \(message)"
        if let path, !path.components.isEmpty { text += " [at \(path)]" }
        return text
    }
}

/// A manifest that cannot be used, with every finding.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The findings; at least one is an error.
    public var diagnostics: [ManifestDiagnostic]

    /// Creates an error from findings.
    public init(_ diagnostics: [ManifestDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Creates an error from one finding.
    public init(_ diagnostic: ManifestDiagnostic) {
        diagnostics = [diagnostic]
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
