import DltafManifest
import DltafProtocol

extension Manifest {
    /// A runner's `runner/validate` finding, located in this manifest (its JSON pointer becomes a key path).
    func locate(runnerDiagnostic diagnostic: Diagnostic) -> ManifestDiagnostic {
        let path = diagnostic.path.flatMap { ManifestPath(pointer: $0) } ?? .root
        let severity: ManifestDiagnostic.Severity = diagnostic.severity == .error ? .error : .warning
        return self.diagnostic(
            "runner.\(diagnostic.code ?? "invalid")", diagnostic.message, at: path, severity: severity)
    }
}
