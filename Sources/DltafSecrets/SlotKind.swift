/// What a slot's `kind` selects: the environment contract, and the fields read from per-field Airflow Variables.
enum SlotKind: Sendable {
    case sqlDatabase, mongoDB, keycloak, clickHouse, postgresDestination, kafka

    /// The kind of `connections.source.kind`.
    init?(source kind: String) {
        switch kind {
        case "oracle", "postgres", "sql": self = .sqlDatabase
        case "mongodb", "mongo": self = .mongoDB
        case "keycloak": self = .keycloak
        default: return nil
        }
    }

    /// The Airflow Variable prefix when `airflow_variable_prefix` is not set (kafka uses its `env_prefix`).
    var defaultAirflowPrefix: String {
        switch self {
        case .sqlDatabase: "SQL_DATABASE__"
        case .mongoDB: "MONGODB__"
        case .keycloak: "KEYCLOAK__"
        case .clickHouse: "CLICKHOUSE__"
        case .postgresDestination: "POSTGRES__"
        case .kafka: "KAFKA__"
        }
    }

    /// Secret field → Variable suffix, in the Python dltaf's order: Variable `<prefix><SUFFIX>` fills the field.
    var fields: [(field: String, suffix: String)] {
        let names: [String] =
            switch self {
            case .sqlDatabase: ["drivername", "host", "port", "username", "password", "database", "dsn"]
            case .clickHouse:
                ["host", "port", "http_port", "secure", "database", "username", "password", "dataset_table_separator"]
            case .postgresDestination: ["host", "port", "username", "password", "database"]
            case .mongoDB: ["connection_url", "host", "port", "user", "username", "password", "database"]
            case .keycloak:
                [
                    "token_url", "client_id", "client_secret", "username", "password", "grant_type", "scope",
                    "verify_ssl", "timeout_seconds",
                ]
            case .kafka:
                [
                    "bootstrap_servers", "security_protocol", "sasl_mechanism", "sasl_username", "sasl_password",
                    "ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_check_hostname",
                ]
            }
        return names.map { ($0, $0.uppercased()) }
    }
}
