import DltafManifest

extension ManifestSession {
    /// The manifest's warnings as located lines (`file:line:column: warning: ...`), redacted, for stderr.
    public var shownWarnings: [String] {
        manifest.warnings.map { redacted($0).description }
    }
}
