import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol

extension Manifest {
    /// A runner's `runner/validate` finding, located in this manifest (its JSON pointer becomes a key path).
    package func locate(runnerDiagnostic diagnostic: Diagnostic) -> ManifestDiagnostic {
        let path = diagnostic.path.flatMap { ManifestPath(pointer: $0) } ?? .root
        let severity: ManifestDiagnostic.Severity = diagnostic.severity == .error ? .error : .warning
        return self.diagnostic(
            "runner.\(diagnostic.code ?? "invalid")", diagnostic.message, at: path, severity: severity)
    }
}

extension Provider {
    /// The runner's own `runner/validate` of `manifest` for `kind` (as `exec` and `manifest lint` call it), its
    /// findings located in the manifest.
    package func validate(kind: String, manifest: Manifest, context: CallContext, timeout: Duration)
        async throws(PluginFailure) -> [ManifestDiagnostic]
    {
        let params = RunnerValidateParams(kind: kind, manifest: manifest.value, context: context)
        let answer = try await call(ProtocolMethod.runnerValidate, params: params.json, timeout: timeout)
        // An answer without a diagnostics list finds nothing, as it always did (`dltaf plugins test` flags it).
        let diagnostics = (try? RunnerValidateResult(json: answer))?.diagnostics ?? []
        return diagnostics.map(manifest.locate(runnerDiagnostic:))
    }
}
