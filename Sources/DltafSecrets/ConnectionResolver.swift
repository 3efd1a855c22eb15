import DltafJSON
public import DltafManifest

/// What resolving a manifest's `connections` produced.
public struct ConnectionResolution: Sendable {
    /// The variables, with provenance.
    public var environment = ResolvedEnvironment()
    /// Things worth telling (a Vault read that failed but was made up for, a slot no backend filled).
    public var warnings: [String] = []
}

/// Resolves `connections.<slot>` into the environment variables runners expect, as the Python dltaf does.
///
/// Per slot, the first backend that yields something wins:
/// 1. Vault (`vault`);
/// 2. an Airflow Variable holding a JSON object (`airflow_variable`);
/// 3. per-field Airflow Variables `<prefix><FIELD>` (`airflow_variable_prefix`, or the kind's default prefix;
///    `airflow_variables: {field: VARIABLE}` names some explicitly).
///
/// `overrides` are merged on top of what the backend yielded.
///
/// **Vault failures.** As in the Python dltaf, a Vault read that fails is a warning and the next backend is
/// tried. Unlike it, when no later backend yields anything the Vault error fails the resolution (the Python
/// dltaf went on with no credentials, and the run failed later with a less useful message).
public struct ConnectionResolver: Sendable {
    /// Reads Vault secrets.
    public var vault: any VaultSecretReader
    /// Reads Airflow Variables.
    public var airflow: AirflowVariables
    /// When set (plans and dry runs), a slot that cannot be resolved is a warning and yields nothing, as in the
    /// Python dltaf: a plan must show what would run, and the dry run's offline checks then name what is
    /// missing. A real run fails instead.
    public var slotFailuresAreWarnings = false

    /// Creates a resolver.
    public init(vault: any VaultSecretReader, airflow: AirflowVariables) {
        self.vault = vault
        self.airflow = airflow
    }

    /// Resolves every slot of `manifest.connections`, in the order source, destination, kafka.
    ///
    /// - Throws: `SecretsError`: located `config` findings for a malformed section, or the first slot that could
    ///   not be resolved.
    public func resolve(_ manifest: Manifest) async throws(SecretsError) -> ConnectionResolution {
        let specs = try ConnectionSpec.read(from: manifest)
        var resolution = ConnectionResolution()
        for spec in specs {
            do {
                try await resolve(spec, into: &resolution)
            } catch  where slotFailuresAreWarnings && error.category != .config {
                resolution.warnings.append("\(error.message) (nothing resolved for connections.\(spec.slot))")
            }
        }
        return resolution
    }

    private func resolve(_ spec: ConnectionSpec, into resolution: inout ConnectionResolution) async throws(SecretsError)
    {
        let kind: SlotKind
        switch spec.slot {
        case "destination": kind = spec.kind == "postgres" ? .postgresDestination : .clickHouse
        case "kafka": kind = .kafka
        default:
            guard let sourceKind = SlotKind(source: spec.kind) else { return }
            kind = sourceKind
        }
        let kafkaPrefix = normalizedEnvironmentPrefix(spec.environmentPrefix, fallback: "KAFKA__")
        let defaultPrefix = kind == .kafka ? spec.airflowVariablePrefix ?? kafkaPrefix : kind.defaultAirflowPrefix
        guard
            let (payload, label) = try await secret(
                for: spec, kind: kind, defaultPrefix: defaultPrefix, resolution: &resolution)
        else { return }
        let source = label + (spec.overrides.isEmpty ? "" : " + overrides")
        let secret = SecretPayload(payload)
        do throws(BuildError) {
            switch kind {
            case .sqlDatabase: resolution.environment.add(try SourceEnvironment.sqlDatabase(secret), source: source)
            case .mongoDB: resolution.environment.add(try SourceEnvironment.mongoDB(secret), source: source)
            case .keycloak: resolution.environment.add(try SourceEnvironment.keycloak(secret), source: source)
            case .kafka:
                resolution.environment.add(DestinationEnvironment.kafka(secret, prefix: kafkaPrefix), source: source)
            case .clickHouse: try clickHouse(spec, secret: secret, label: label, source: source, into: &resolution)
            case .postgresDestination:
                let database = spec.overrides["database"].map(SecretPayload.text(of:)).flatMap { $0.isEmpty ? nil : $0 }
                resolution.environment.add(
                    try DestinationEnvironment.postgres(secret, database: database), source: source)
            }
        } catch {
            throw SecretsError(
                .secrets, code: "secret_invalid", slot: spec.slot,
                message: "connections.\(spec.slot) (\(source)): \(error.message)")
        }
    }

    /// The destination, with the provenance of the database and separator overrides.
    private func clickHouse(
        _ spec: ConnectionSpec, secret: SecretPayload, label: String, source: String,
        into resolution: inout ConnectionResolution
    ) throws(BuildError) {
        let databaseOverride = spec.overrides["database"].map(SecretPayload.text(of:)).flatMap { $0.isEmpty ? nil : $0 }
        let separatorOverride = spec.overrides["dataset_table_separator"].map(SecretPayload.text(of:))
            .flatMap { $0.isEmpty ? nil : $0 }
        let secretSeparator = secret.text("dataset_table_separator")
        let separator = separatorOverride ?? (secretSeparator.isEmpty ? "__" : secretSeparator)
        let variables = try DestinationEnvironment.clickHouse(secret, database: databaseOverride, separator: separator)
        resolution.environment.add(variables, source: source)
        let separatorKey = "DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"
        resolution.environment.entries[separatorKey]?.source =
            separatorOverride != nil
            ? "override:connections.destination.overrides.dataset_table_separator"
            : secretSeparator.isEmpty ? "default:__" : label
        if databaseOverride != nil {
            resolution.environment.entries["DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE"]?.source =
                "override:connections.destination.overrides.database"
        }
    }

    /// The first backend's secret (overrides applied) and its label; nil when no backend yielded anything.
    private func secret(
        for spec: ConnectionSpec, kind: SlotKind, defaultPrefix: String, resolution: inout ConnectionResolution
    ) async throws(SecretsError) -> (JSONObject, String)? {
        var vaultFailure: VaultError?
        if let reference = spec.vault {
            do {
                let secret = try await vault.read(reference)
                return (merged(secret, spec.overrides), "vault:\(reference)")
            } catch {
                vaultFailure = error
                resolution.warnings.append(
                    "connections.\(spec.slot): \(error); falling back to Airflow Variables")
            }
        }
        var tried: [String] = []
        if let name = spec.airflowVariable {
            tried.append("Airflow Variable \(name) (\(AirflowVariables.environmentName(of: name)))")
            if let raw = airflow.value(name) {
                guard let object = (try? JSONParser.parse(raw))?.objectValue else {
                    throw SecretsError(
                        .secrets, code: "secret_invalid", slot: spec.slot,
                        message: "connections.\(spec.slot): Airflow Variable \(name) must hold a JSON object")
                }
                return (merged(object, spec.overrides), "airflow_variable_json:\(name)")
            }
        }
        let prefix = normalizedEnvironmentPrefix(spec.airflowVariablePrefix ?? defaultPrefix, fallback: defaultPrefix)
        var fields = JSONObject()
        for (field, suffix) in kind.fields {
            let name = spec.airflowVariables[field] ?? prefix + suffix
            if let value = airflow.value(name) { fields[field] = .string(value) }
        }
        tried.append("Airflow Variables \(prefix)* (\(AirflowVariables.environmentName(of: prefix))*)")
        if !fields.isEmpty { return (merged(fields, spec.overrides), "airflow_variables_prefix:\(prefix)") }
        if let vaultFailure {
            throw SecretsError(
                slot: spec.slot, vault: vaultFailure,
                note: "; no other backend yielded it (tried \(tried.joined(separator: ", ")))")
        }
        resolution.warnings.append(
            "connections.\(spec.slot): no backend yielded credentials (tried \(tried.joined(separator: ", "))); "
                + "no variable is set for this slot")
        return nil
    }

    private func merged(_ secret: JSONObject, _ overrides: JSONObject) -> JSONObject {
        var result = secret
        for (key, value) in overrides { result[key] = value }
        return result
    }
}
