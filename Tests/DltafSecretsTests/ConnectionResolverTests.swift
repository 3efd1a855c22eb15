import DltafJSON
import DltafManifest
import DltafSecrets
import Testing

@Suite("connections: precedence, provenance labels, overrides")
struct ConnectionResolverTests {
    static let clickHouseSecret: JSONObject = [
        "host": "ch.internal", "port": 9440, "username": "loader", "password": "ch-pass-123", "database": "raw",
        "secure": "yes",
    ]

    @Test("Vault wins; every key is labelled vault:<mount>:<path>")
    func vaultFirst() async throws {
        let vault = FakeVault(["secret:ch": Self.clickHouseSecret])
        let resolution = try await resolve(
            "destination: {kind: clickhouse, vault: \"secret:ch\", airflow_variable: CH}", vault: vault,
            environment: ["AIRFLOW_VAR_CH": #"{"host": "other", "database": "x"}"#])
        let environment = resolution.environment
        #expect(
            environment.values == [
                "DESTINATION__CLICKHOUSE__CREDENTIALS__HOST": "ch.internal",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__PORT": "9440",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__HTTP_PORT": "8123",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__SECURE": "1",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE": "raw",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__USERNAME": "loader",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD": "ch-pass-123",
                "DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR": "__",
            ])
        #expect(environment.sources["DESTINATION__CLICKHOUSE__CREDENTIALS__HOST"] == "vault:secret:ch")
        #expect(environment.sources["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"] == "default:__")
        #expect(environment.sourcesSummary == ["vault:secret:ch": 7, "default:__": 1])
        #expect(environment.secretValues == ["ch-pass-123"])
        #expect(resolution.warnings.isEmpty)
    }

    @Test("a failing Vault read falls through to the Airflow JSON Variable with a warning")
    func vaultFallsThrough() async throws {
        let vault = FakeVault(failure: .permissionDenied)
        let resolution = try await resolve(
            "destination: {kind: clickhouse, vault: \"secret:ch\", airflow_variable: ch_conn}", vault: vault,
            environment: ["AIRFLOW_VAR_CH_CONN": #"{"hostname": "h", "database": "d", "user": "u", "pass": "pw-json"}"#]
        )
        #expect(
            resolution.environment.sources["DESTINATION__CLICKHOUSE__CREDENTIALS__HOST"]
                == "airflow_variable_json:ch_conn")
        #expect(resolution.environment.values["DESTINATION__CLICKHOUSE__CREDENTIALS__USERNAME"] == "u")
        #expect(resolution.environment.values["DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD"] == "pw-json")
        #expect(resolution.warnings.count == 1)
        #expect(resolution.warnings[0].contains("connections.destination: Vault secret secret:ch: HTTP 403"))
        #expect(resolution.warnings[0].contains("falling back to Airflow Variables"))
    }

    @Test("a failing Vault read with nothing to fall back on fails, naming the slot and reference")
    func vaultFailureIsFatalAlone() async throws {
        let error = try #require(
            await resolutionError("source: {kind: postgres, vault: \"secret:missing\"}", vault: FakeVault()))
        #expect(error.code == "vault_secret_not_found")
        #expect(error.category == .secrets)
        #expect(error.slot == "source")
        #expect(error.message.contains("connections.source: Vault secret secret:missing: HTTP 404: secret not found"))
        #expect(error.message.contains("AIRFLOW_VAR_SQL_DATABASE__*"))
        let denied = try #require(
            await resolutionError(
                "source: {kind: postgres, vault: \"s:p\"}", vault: FakeVault(failure: .permissionDenied)))
        #expect(denied.category == .auth)
        let down = try #require(
            await resolutionError("source: {kind: postgres, vault: \"s:p\"}", vault: FakeVault(failure: .unreachable)))
        #expect(down.category == .connectivity)
        #expect(down.code == "vault_unreachable")
    }

    @Test("per-field Airflow Variables by the kind's default prefix, explicit names and overrides")
    func perFieldVariables() async throws {
        let resolution = try await resolve(
            """
            source:
              kind: oracle
              airflow_variables: {password: ORA_SECRET}
              overrides: {drivername: "oracle+oracledb", port: 1521}
            """,
            environment: [
                "AIRFLOW_VAR_SQL_DATABASE__HOST": "ora.internal", "AIRFLOW_VAR_SQL_DATABASE__USERNAME": "scott",
                "AIRFLOW_VAR_ORA_SECRET": "tiger-tiger", "AIRFLOW_VAR_SQL_DATABASE__PASSWORD": "not-this-one",
                "AIRFLOW_VAR_SQL_DATABASE__DSN": "ora.internal:1521/ORCL",
            ])
        let environment = resolution.environment
        #expect(
            environment.values == [
                "SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME": "oracle+oracledb",
                "SOURCES__SQL_DATABASE__CREDENTIALS__HOST": "ora.internal",
                "SOURCES__SQL_DATABASE__CREDENTIALS__PORT": "1521",
                "SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME": "scott",
                "SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD": "tiger-tiger",
                "SOURCES__SQL_DATABASE__CREDENTIALS__DSN": "ora.internal:1521/ORCL",
            ])
        #expect(Set(environment.sources.values) == ["airflow_variables_prefix:SQL_DATABASE__ + overrides"])
        #expect(Set(environment.secretValues) == ["tiger-tiger", "ora.internal:1521/ORCL"])
    }

    @Test("airflow_variable_prefix is normalised to end in __")
    func prefixNormalised() async throws {
        let resolution = try await resolve(
            "source: {kind: mongodb, airflow_variable_prefix: MONGO_PROD_}",
            environment: ["AIRFLOW_VAR_MONGO_PROD__CONNECTION_URL": "mongodb://m1:27017/db"])
        #expect(
            resolution.environment.values == [
                "SOURCES__MONGODB__CONNECTION_URL": "mongodb://m1:27017/db?directConnection=true"
            ])
        #expect(resolution.environment.sources.values.first == "airflow_variables_prefix:MONGO_PROD__")
    }

    @Test("ClickHouse overrides of database and separator carry their own labels")
    func clickHouseOverrideLabels() async throws {
        let vault = FakeVault(["secret:ch": Self.clickHouseSecret])
        let resolution = try await resolve(
            """
            destination:
              kind: clickhouse
              vault: {mount_point: secret, path: ch, kv_version: 2}
              overrides: {database: analytics, dataset_table_separator: "___"}
            """, vault: vault)
        let sources = resolution.environment.sources
        #expect(
            sources["DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE"]
                == "override:connections.destination.overrides.database")
        #expect(
            sources["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"]
                == "override:connections.destination.overrides.dataset_table_separator")
        #expect(sources["DESTINATION__CLICKHOUSE__CREDENTIALS__HOST"] == "vault:secret:ch + overrides")
        #expect(resolution.environment.values["DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE"] == "analytics")
        #expect(resolution.environment.values["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"] == "___")
        #expect(vault.asked == [VaultReference(mount: "secret", path: "ch", kvVersion: 2)])
    }

    @Test("a separator from the secret is labelled with the secret's source")
    func separatorFromSecret() async throws {
        var secret = Self.clickHouseSecret
        secret["dataset_table_separator"] = "_x_"
        let resolution = try await resolve(
            "destination: {kind: clickhouse, vault: \"secret:ch\"}", vault: FakeVault(["secret:ch": secret]))
        #expect(resolution.environment.sources["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"] == "vault:secret:ch")
        #expect(resolution.environment.values["DESTINATION__CLICKHOUSE__DATASET_TABLE_SEPARATOR"] == "_x_")
    }

    @Test("MongoDB URL built from parts: credentials quoted, directConnection added")
    func mongoFromParts() async throws {
        let vault = FakeVault([
            "kv:mongo": [
                "host": "mongo.internal", "port": 27018, "user": "app user", "password": "p@ss/w:rd", "database": "crm",
            ]
        ])
        let resolution = try await resolve("source: {kind: mongo, vault: \"kv:mongo\"}", vault: vault)
        #expect(
            resolution.environment.values["SOURCES__MONGODB__CONNECTION_URL"]
                == "mongodb://app+user:p%40ss%2Fw%3Ard@mongo.internal:27018/crm?directConnection=true")
        let url = try await resolve(
            "source: {kind: mongodb, vault: \"kv:m\"}",
            vault: FakeVault(["kv:m": ["uri": "mongodb://h/db?replicaSet=rs0&directConnection=false"]]))
        #expect(
            url.environment.values["SOURCES__MONGODB__CONNECTION_URL"]
                == "mongodb://h/db?replicaSet=rs0&directConnection=false")
        let anonymous = try await resolve(
            "source: {kind: mongodb, vault: \"kv:m\"}", vault: FakeVault(["kv:m": ["host": "h", "user": "only-user"]]))
        #expect(
            anonymous.environment.values["SOURCES__MONGODB__CONNECTION_URL"]
                == "mongodb://h:27017?directConnection=true")
    }

    @Test("Keycloak defaults; kafka with env_prefix, list of brokers and aliases")
    func keycloakAndKafka() async throws {
        let vault = FakeVault([
            "kv:kc": [
                "token_url": "https://kc/token", "clientId": "cli", "client_secret": "kc-secret", "verify": "no",
            ],
            "kv:kafka": [
                "brokers": ["b1:9092", " b2:9092 "], "user": "svc", "password": "sasl-pw", "ssl_check_hostname": false,
            ],
        ])
        let resolution = try await resolve(
            """
            source: {kind: keycloak, vault: "kv:kc"}
            kafka: {vault: "kv:kafka", env_prefix: SOURCES__EVENTS}
            """, vault: vault)
        let values = resolution.environment.values
        #expect(values["SOURCES__KEYCLOAK__GRANT_TYPE"] == "password")
        #expect(values["SOURCES__KEYCLOAK__SCOPE"] == "openid")
        #expect(values["SOURCES__KEYCLOAK__VERIFY_SSL"] == "0")
        #expect(values["SOURCES__KEYCLOAK__TIMEOUT_SECONDS"] == "30")
        #expect(values["SOURCES__KEYCLOAK__CLIENT_ID"] == "cli")
        #expect(values["SOURCES__KEYCLOAK__USERNAME"] == nil)
        #expect(values["SOURCES__EVENTS__BOOTSTRAP_SERVERS"] == "b1:9092,b2:9092")
        #expect(values["SOURCES__EVENTS__SASL_USERNAME"] == "svc")
        #expect(values["SOURCES__EVENTS__SASL_PASSWORD"] == "sasl-pw")
        #expect(values["SOURCES__EVENTS__SSL_CHECK_HOSTNAME"] == "0")
        #expect(Set(resolution.environment.secretValues) == ["kc-secret", "sasl-pw"])
    }

    @Test("kafka's default prefix is KAFKA__ for both the variables read and the variables written")
    func kafkaDefaults() async throws {
        let resolution = try await resolve(
            "kafka: {airflow_variables: {bootstrap_servers: BROKERS}}",
            environment: ["AIRFLOW_VAR_BROKERS": "k:9092", "AIRFLOW_VAR_KAFKA__SECURITY_PROTOCOL": "SASL_SSL"])
        #expect(
            resolution.environment.values == [
                "KAFKA__BOOTSTRAP_SERVERS": "k:9092", "KAFKA__SECURITY_PROTOCOL": "SASL_SSL",
            ])
        #expect(resolution.environment.sources["KAFKA__BOOTSTRAP_SERVERS"] == "airflow_variables_prefix:KAFKA__")
    }

    @Test("required fields: the error names the slot and source, never a value")
    func requiredFields() async throws {
        let vault = FakeVault(["s:pg": ["host": "db", "username": "u", "password": "hidden-pw"]])
        let error = try #require(await resolutionError("source: {kind: postgres, vault: \"s:pg\"}", vault: vault))
        #expect(error.code == "secret_invalid")
        #expect(
            error.message
                == "connections.source (vault:s:pg): the SQL secret must contain 'drivername' (or set it in overrides)")
        let noDatabase = try #require(
            await resolutionError(
                "destination: {kind: clickhouse, vault: \"s:ch\"}",
                vault: FakeVault(["s:ch": ["host": "h", "password": "pw-123"]])))
        #expect(noDatabase.message.contains("the ClickHouse database is required"))
        #expect(!noDatabase.message.contains("pw-123"))
        let badPort = try #require(
            await resolutionError(
                "destination: {kind: clickhouse, vault: \"s:ch\"}",
                vault: FakeVault(["s:ch": ["host": "h", "database": "d", "port": "secret-ish"]])))
        #expect(badPort.message.hasSuffix("port must be an integer"))
    }

    @Test("an Airflow JSON Variable that is not a JSON object is an error")
    func invalidJSONVariable() async throws {
        let error = try #require(
            await resolutionError(
                "destination: {kind: clickhouse, airflow_variable: CH}", environment: ["AIRFLOW_VAR_CH": "host=h"]))
        #expect(error.message == "connections.destination: Airflow Variable CH must hold a JSON object")
        #expect(error.category == .secrets)
    }

    @Test("a slot no backend fills sets nothing and warns")
    func nothingResolved() async throws {
        let resolution = try await resolve("destination: {kind: clickhouse, airflow_variable: CH}")
        #expect(resolution.environment.isEmpty)
        #expect(resolution.warnings.count == 1)
        #expect(resolution.warnings[0].contains("connections.destination: no backend yielded credentials"))
        #expect(resolution.warnings[0].contains("AIRFLOW_VAR_CH"))
    }

    @Test("empty slots and a missing section resolve to nothing")
    func emptySlots() async throws {
        #expect(try await resolve("source: {}\ndestination: ~").environment.isEmpty)
    }

    @Test("malformed sections are located errors")
    func locatedErrors() async throws {
        let error = try #require(
            await resolutionError(
                """
                source: {kind: redis}
                destination: {kind: clickhouse, vault: {ref: "s:p", path: x}}
                kafka: {kind: kafka, overrides: [1]}
                """))
        #expect(error.category == .config)
        #expect(error.code == "connections_invalid")
        let messages = error.diagnostics.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("/work/project/m.yaml:5:18: error: unsupported connections.source.kind: redis"))
        #expect(messages[1].contains("m.yaml:6:"))
        #expect(messages[1].contains("either ref or mount_point/path"))
        #expect(messages[1].hasSuffix("[at connections.destination.vault.ref]"))
        #expect(messages[2].contains("connections.kafka.overrides must be a mapping"))
        let missingKind = try #require(await resolutionError("source: {vault: \"s:p\"}"))
        #expect(missingKind.message.contains("connections.source.kind is required"))
        // postgres is a destination since dltaf loads it; an unknown kind still is a located error.
        let destination = try #require(await resolutionError("destination: {kind: redshift}"))
        #expect(
            destination.message.contains(
                "unsupported connections.destination.kind: redshift (expected clickhouse or postgres)"))
    }
}
