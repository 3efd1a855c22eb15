public import DltafJSON
public import DltafManifest
public import DltafSecrets

/// One manifest as every command sees it: loaded, templated, overridden (`--set`), validated, and the one
/// redactor for everything it holds.
///
/// The redactor knows, from the start, the values of dltaf's sensitive environment variables; once the
/// manifest is loaded, its values under sensitive keys, granted plugin variables and the contents of
/// `${FILE:...}` files; once `connections` are resolved (`resolveConnections`), the resolved secret values.
/// Commands never assemble a redactor of their own, so none can leave a source out.
public struct ManifestSession: Sendable {
    /// How the manifest is read.
    public struct Options: Sendable {
        /// The manifest file.
        public var path: String
        /// dltaf's environment (`${ENV:...}`, sensitive variables, Vault settings).
        public var environment: [String: String]
        /// `--set` arguments, in order.
        public var overrides: [String] = []
        /// `--write-disposition`, applied as `run.write_disposition` after the overrides.
        public var writeDisposition: String?
        /// The rules to check; nil loads without validating (`manifest show` prints what it was given).
        public var validation: ManifestValidator.Options? = .run

        /// Options for `path` in `environment`.
        public init(path: String, environment: [String: String]) {
            self.path = path
            self.environment = environment
        }
    }

    /// The manifest after templating and overrides.
    public private(set) var manifest: Manifest
    /// Hides every secret this session knows.
    public private(set) var redactor: Redactor
    /// The variables resolved from `connections`, once `resolveConnections` ran.
    public private(set) var connections: ConnectionResolution?

    /// The redactor of dltaf's own environment, for what is shown before (or without) a manifest.
    public static func environmentRedactor(_ environment: [String: String]) -> Redactor {
        Redactor(secrets: Redactor.secrets(inEnvironment: environment))
    }

    /// Loads, overrides and (unless `options.validation` is nil) validates the manifest.
    ///
    /// - Parameter onRedactor: told each redactor as soon as it exists (a console starts hiding the
    ///   environment's secrets before the manifest is even read).
    /// - Throws: a configuration `RunError` (exit 2) naming the file, line and key of every finding.
    public static func open(_ options: Options, onRedactor: (Redactor) -> Void = { _ in }) throws(RunError)
        -> ManifestSession
    {
        let known = environmentRedactor(options.environment)
        onRedactor(known)
        var manifest: Manifest
        do {
            manifest = try ManifestLoader.load(path: options.path, environment: options.environment)
            var overrides = try options.overrides.map { (text) throws(ManifestError) in try Override(parsing: text) }
            if let disposition = options.writeDisposition {
                overrides.append(try Override(parsing: "run.write_disposition=\(disposition)"))
            }
            try Override.apply(overrides, to: &manifest)
        } catch {
            throw RunError.manifest(error)
        }
        // After --set: values under sensitive keys, granted plugin variables, contents of ${FILE:...} files.
        let redactor = known.adding(secrets: Redactor.secrets(in: manifest.value) + manifest.secretValues)
        onRedactor(redactor)
        var session = ManifestSession(manifest: manifest, redactor: redactor, connections: nil)
        if let validation = options.validation { try session.validate(validation) }
        return session
    }

    /// Checks the manifest; errors throw, warnings join `manifest.warnings`. Findings are redacted (one may
    /// quote a value written under a sensitive key elsewhere).
    private mutating func validate(_ options: ManifestValidator.Options) throws(RunError) {
        let findings = ManifestValidator.validate(manifest, options: options).map(redacted)
        let errors = findings.filter { $0.severity == .error }
        guard errors.isEmpty else { throw RunError.manifest(ManifestError(errors)) }
        manifest.warnings += findings
    }

    /// The manifest as shown to people (`manifest show`): every secret hidden (plugins receive the real values).
    public var shownManifest: JSONValue { redactor.redact(manifest.value) }

    /// `finding` with its message redacted.
    public func redacted(_ finding: ManifestDiagnostic) -> ManifestDiagnostic {
        var finding = finding
        finding.message = redactor.redact(text: finding.message)
        return finding
    }

    /// Resolves `connections` and adds every resolved secret value to the redactor.
    ///
    /// - Parameter slotFailuresAreWarnings: plans and dry runs report an unreadable secret as a warning.
    public mutating func resolveConnections(
        vault: any VaultSecretReader, environment: [String: String], slotFailuresAreWarnings: Bool
    ) async throws(RunError) -> ConnectionResolution {
        var resolver = ConnectionResolver(vault: vault, airflow: AirflowVariables(environment: environment))
        resolver.slotFailuresAreWarnings = slotFailuresAreWarnings
        let resolution: ConnectionResolution
        do {
            resolution = try await resolver.resolve(manifest)
        } catch {
            throw RunError(error)
        }
        redactor = redactor.adding(secrets: resolution.environment.secretValues)
        connections = resolution
        return resolution
    }
}
