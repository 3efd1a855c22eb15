import DltafJSON
import DltafManifest

/// The offline checks of `--dry-run`: are the credentials the runner needs present in the environment it will
/// receive? Reports presence booleans only, never a value (the Python dltaf's `dry_run_checks` and
/// `evaluate_dry_run_checks`, which its planner never called).
struct DryRunChecks {
    /// What each check saw (`{clickhouse: {host_present: true, ...}, ...}`).
    var checks = JSONObject()
    var errors: [String] = []
    var warnings: [String] = []

    var ok: Bool { errors.isEmpty }

    /// `{ok, errors, warnings, checks}`.
    var json: JSONValue {
        [
            "ok": .bool(ok), "errors": .array(errors.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }), "checks": .object(checks),
        ]
    }

    static let sqlSourceKinds: Set = ["sqldb", "oracle", "sql_database", "oracle_custom_sql"]

    /// Checks `environment` (what the runner will receive) against what `manifest` needs.
    static func run(_ manifest: Manifest, environment: [String: String]) -> DryRunChecks {
        var report = DryRunChecks()
        func present(_ name: String) -> Bool { !(environment[name] ?? "").isEmpty }
        let connectionKind = manifest.string(at: ["connections", "source", "kind"])?.lowercased() ?? ""
        let sourceKind = manifest.sourceKind ?? ""

        if manifest.string(at: ["pipeline", "destination"]) == "clickhouse"
            || manifest.value(at: ["connections", "destination"]).map({ !$0.isNull }) == true
        {
            let prefix = "DESTINATION__CLICKHOUSE__CREDENTIALS__"
            report.checks["clickhouse"] = [
                "host_present": .bool(present(prefix + "HOST")), "port_present": .bool(present(prefix + "PORT")),
                "database_present": .bool(present(prefix + "DATABASE")),
                "username_present": .bool(present(prefix + "USERNAME")),
                "password_present": .bool(present(prefix + "PASSWORD")),
            ]
            if !present(prefix + "HOST") { report.errors.append("ClickHouse host is not configured (\(prefix)HOST).") }
            if !present(prefix + "DATABASE") {
                report.warnings.append("ClickHouse database is not configured (\(prefix)DATABASE).")
            }
            if !present(prefix + "USERNAME") {
                report.warnings.append("ClickHouse username is not explicitly set (\(prefix)USERNAME).")
            }
            if !present(prefix + "PASSWORD") {
                report.warnings.append(
                    "ClickHouse password is not set (\(prefix)PASSWORD). This may be OK for dev, but usually required "
                        + "in prod.")
            }
        }

        if ["oracle", "postgres", "sql"].contains(connectionKind) || sqlSourceKinds.contains(sourceKind) {
            let prefix = "SOURCES__SQL_DATABASE__CREDENTIALS__"
            report.checks["sql"] = [
                "drivername_present": .bool(present(prefix + "DRIVERNAME")),
                "host_present": .bool(present(prefix + "HOST")),
                "username_present": .bool(present(prefix + "USERNAME")),
                "password_present": .bool(present(prefix + "PASSWORD")),
            ]
            for field in ["HOST", "USERNAME", "PASSWORD"] where !present(prefix + field) {
                report.errors.append("SQL source \(field.lowercased()) is missing (\(prefix)\(field)).")
            }
            if !present(prefix + "DRIVERNAME") {
                report.warnings.append("SQL source drivername is not set (\(prefix)DRIVERNAME).")
            }
        }

        if ["mongodb", "mongo"].contains(connectionKind) || sourceKind == "mongodb" {
            let url = present("SOURCES__MONGODB__CONNECTION_URL")
            report.checks["mongodb"] = ["connection_url_present": .bool(url)]
            if !url { report.errors.append("MongoDB connection URL is missing (SOURCES__MONGODB__CONNECTION_URL).") }
        }

        if connectionKind == "keycloak" || sourceKind == "uploader_b057" {
            keycloak(&report, environment: environment)
        }

        let kafkaSource = manifest.value(at: ["source", "kafka"])?.objectValue
        if kafkaSource != nil || manifest.value(at: ["connections", "kafka"]).map({ !$0.isNull }) == true {
            let written = manifest.string(at: ["connections", "kafka", "env_prefix"]) ?? "KAFKA__"
            var prefix = Substring(written)
            while prefix.hasSuffix("_") { prefix = prefix.dropLast() }
            let envPrefix = String(prefix) + "__"
            let inManifest = kafkaSource?["bootstrap_servers"].map { !ConnectionsValue.isBlank($0) } ?? false
            let servers = present(envPrefix + "BOOTSTRAP_SERVERS") || inManifest
            let topic = kafkaSource?["topic"]?.stringValue.map { !$0.isEmpty } ?? false
            report.checks["kafka"] = [
                "env_prefix": .string(envPrefix), "bootstrap_servers_present": .bool(servers),
                "topic_present": .bool(topic),
            ]
            if !servers { report.errors.append("Kafka bootstrap servers are missing (env_prefix='\(envPrefix)').") }
            if kafkaSource != nil, !topic {
                report.warnings.append("Kafka topic is not set (source.kafka.topic). Default may be used.")
            }
        }
        return report
    }

    /// Keycloak: token URL and client id always; user and password for `grant_type=password` (the default),
    /// the client secret for `client_credentials`.
    private static func keycloak(_ report: inout DryRunChecks, environment: [String: String]) {
        let prefix = "SOURCES__KEYCLOAK__"
        func present(_ field: String) -> Bool { !(environment[prefix + field] ?? "").isEmpty }
        let grantType = environment[prefix + "GRANT_TYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? "password"
        var fields = JSONObject(
            ["TOKEN_URL", "CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD"].map {
                ($0.lowercased() + "_present", JSONValue.bool(present($0)))
            })
        fields["grant_type"] = .string(grantType)
        report.checks["keycloak"] = .object(fields)
        if !present("TOKEN_URL") { report.errors.append("Keycloak token URL is missing (\(prefix)TOKEN_URL).") }
        if !present("CLIENT_ID") { report.errors.append("Keycloak client_id is missing (\(prefix)CLIENT_ID).") }
        switch grantType {
        case "password":
            for field in ["USERNAME", "PASSWORD"] where !present(field) {
                report.errors.append(
                    "Keycloak \(field.lowercased()) is required for grant_type=password (\(prefix)\(field)).")
            }
        case "client_credentials":
            if !present("CLIENT_SECRET") {
                report.errors.append(
                    "Keycloak client_secret is required for grant_type=client_credentials (\(prefix)CLIENT_SECRET).")
            }
        default:
            report.warnings.append("Keycloak grant_type='\(grantType)' is not recognized by dry-run checks.")
        }
    }
}

/// Helpers for manifest values.
enum ConnectionsValue {
    /// null, "", [] or {}.
    static func isBlank(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.isEmpty
        case .array(let items): items.isEmpty
        case .object(let object): object.isEmpty
        default: false
        }
    }
}
