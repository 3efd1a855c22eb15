import DltafJSON

/// The environment contracts of `connections.destination` (ClickHouse) and `connections.kafka`.
enum DestinationEnvironment {
    /// `clickhouse` → `DESTINATION__CLICKHOUSE__CREDENTIALS__*` and `DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR`.
    /// Needs host and database.
    ///
    /// - Parameters:
    ///   - database: `overrides.database`, which wins over the secret's.
    ///   - separator: the dataset/table separator already chosen (override, else secret, else `__`).
    static func clickHouse(_ secret: SecretPayload, database: String?, separator: String) throws(BuildError)
        -> [EnvironmentVariable]
    {
        let prefix = "DESTINATION__CLICKHOUSE__CREDENTIALS__"
        let host = secret.text("host", "hostname")
        let port = try secret.integer("port", "port", fallback: 9000)
        let httpPort = try secret.integer("http_port", "http_port", "httpPort", fallback: 8123)
        let secure = SecretPayload.bool(secret.first("secure", "tls"), fallback: false)
        let username = secret.text("username", "user", "login")
        let password = secret.text("password", "pass")
        let targetDatabase = database ?? secret.text("database")
        guard !host.isEmpty else { throw BuildError("the ClickHouse secret must contain 'host'") }
        guard !targetDatabase.isEmpty else {
            throw BuildError("the ClickHouse database is required (set it in the secret or in overrides.database)")
        }
        return [
            EnvironmentVariable("DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR", separator),
            EnvironmentVariable(prefix + "HOST", host), EnvironmentVariable(prefix + "PORT", String(port)),
            EnvironmentVariable(prefix + "HTTP_PORT", String(httpPort)),
            EnvironmentVariable(prefix + "SECURE", secure ? "1" : "0"),
            EnvironmentVariable(prefix + "DATABASE", targetDatabase),
            EnvironmentVariable(prefix + "USERNAME", username),
            EnvironmentVariable(prefix + "PASSWORD", password, secret: true),
        ]
    }

    /// `postgres` → `DESTINATION__POSTGRES__CREDENTIALS__{HOST,PORT,DATABASE,USERNAME,PASSWORD}`, where dltaf's
    /// own loader writes (docs/destinations.md). Needs host and database.
    static func postgres(_ secret: SecretPayload, database: String?) throws(BuildError) -> [EnvironmentVariable] {
        let prefix = "DESTINATION__POSTGRES__CREDENTIALS__"
        let host = secret.text("host", "hostname")
        let port = try secret.integer("port", "port", fallback: 5432)
        let targetDatabase = database ?? secret.text("database", "dbname")
        guard !host.isEmpty else { throw BuildError("the PostgreSQL secret must contain 'host'") }
        guard !targetDatabase.isEmpty else {
            throw BuildError("the PostgreSQL database is required (set it in the secret or in overrides.database)")
        }
        return [
            EnvironmentVariable(prefix + "HOST", host), EnvironmentVariable(prefix + "PORT", String(port)),
            EnvironmentVariable(prefix + "DATABASE", targetDatabase),
            EnvironmentVariable(prefix + "USERNAME", secret.text("username", "user", "login")),
            EnvironmentVariable(prefix + "PASSWORD", secret.text("password", "pass"), secret: true),
        ]
    }

    /// `kafka` → `<prefix>BOOTSTRAP_SERVERS` (a list is joined with commas), `SECURITY_PROTOCOL`, `SASL_*`,
    /// `SSL_*`. Nothing is required.
    static func kafka(_ secret: SecretPayload, prefix: String) -> [EnvironmentVariable] {
        var variables: [EnvironmentVariable] = []
        let servers = secret.first("bootstrap_servers", "bootstrapServers", "brokers", "servers", "bootstrap")
        if let servers {
            let text = SecretPayload.text(of: servers)
            if !text.isEmpty { variables.append(EnvironmentVariable(prefix + "BOOTSTRAP_SERVERS", text)) }
        }
        let aliases: [(String, [String])] = [
            ("security_protocol", ["security_protocol", "securityProtocol", "protocol"]),
            ("sasl_mechanism", ["sasl_mechanism", "saslMechanism", "mechanism"]),
            ("sasl_username", ["sasl_username", "saslUser", "username", "user"]),
            ("sasl_password", ["sasl_password", "password", "pass"]),
            ("ssl_cafile", ["ssl_cafile", "cafile", "sslCaFile"]),
            ("ssl_certfile", ["ssl_certfile", "certfile", "sslCertFile"]),
            ("ssl_keyfile", ["ssl_keyfile", "keyfile", "sslKeyFile"]),
        ]
        for (field, keys) in aliases {
            let value = keys.lazy.compactMap { key -> String? in
                guard let raw = secret.fields[key], !raw.isNull else { return nil }
                let text = SecretPayload.text(of: raw)
                return text.isEmpty ? nil : text
            }.first
            if let value {
                variables.append(
                    EnvironmentVariable(prefix + field.uppercased(), value, secret: field == "sasl_password"))
            }
        }
        if let check = secret.fields["ssl_check_hostname"], !check.isNull, !SecretPayload.text(of: check).isEmpty {
            variables.append(
                EnvironmentVariable(
                    prefix + "SSL_CHECK_HOSTNAME", SecretPayload.bool(check, fallback: true) ? "1" : "0"))
        }
        return variables
    }
}
