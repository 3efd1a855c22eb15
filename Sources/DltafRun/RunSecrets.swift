import DltafJSON
import DltafManifest
import DltafProtocol
import DltafSecrets

/// The secrets step of a run: `connections` resolved into the variables the runner receives.
enum RunSecrets {
    /// Resolves the session's `connections` as `request` configures it (Vault settings from dltaf's
    /// environment); the session's redactor learns every resolved secret.
    static func resolve(_ session: inout ManifestSession, request: RunRequest) async throws(RunError)
        -> ConnectionResolution
    {
        let reader =
            request.vaultReader
            ?? VaultKVReader(
                settings: VaultSettings(environment: request.environment, timeoutSeconds: request.vaultTimeoutSeconds),
                transport: CurlVaultTransport())
        return try await session.resolveConnections(
            vault: reader, environment: request.environment, slotFailuresAreWarnings: request.mode.isPlanMode)
    }

    /// `--explain-config`: one line per variable, `KEY <- label`, sorted; never a value.
    static func explain(_ environment: ResolvedEnvironment, console: Console) {
        guard !environment.isEmpty else {
            console.log(.info, source: "explain-config", "no environment variables resolved from connections")
            return
        }
        console.log(.info, source: "explain-config", "resolved environment variables (values are hidden):")
        for key in environment.keys {
            console.log(.info, source: "explain-config", "  \(key) <- \(environment.entries[key]?.source ?? "?")")
        }
    }
}

extension RunError {
    /// A secrets failure: located `connections` findings are configuration errors (exit 2); a secret that
    /// cannot be read or lacks a field fails the run (exit 1).
    init(_ error: SecretsError) {
        if error.category == .config {
            self = RunError.manifest(ManifestError(error.diagnostics))
            return
        }
        self.init(
            ErrorCategory(rawValue: error.category.rawValue) ?? .secrets, code: error.code, message: error.message,
            exitCode: .runFailed)
    }
}

extension ResolvedEnvironment {
    /// `{keys: [sorted], sources: {KEY: label}}`, as `--json` shows it with `--explain-config`; labels are
    /// scrubbed by value only (their keys, `..._PASSWORD`, would otherwise hide them wholesale).
    func report(_ redactor: Redactor) -> JSONValue {
        var sources = JSONObject()
        for key in keys { sources[key] = .string(redactor.redact(text: entries[key]?.source ?? "")) }
        return ["keys": .array(keys.map { .string($0) }), "sources": .object(sources)]
    }

    /// The plan's `env`: keys, sources and `sources_summary {label: count}`.
    func planReport(_ redactor: Redactor, references: [String]) -> JSONValue {
        guard case .object(var object) = report(redactor) else { return .null }
        var summary = JSONObject()
        for (label, count) in sourcesSummary.sorted(by: { $0.key < $1.key }) {
            summary[redactor.redact(text: label)] = .int(count)
        }
        object["sources_summary"] = .object(summary)
        object["references"] = .array(references.map { .string($0) })
        return .object(object)
    }
}
