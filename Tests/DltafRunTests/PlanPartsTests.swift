import DltafJSON
import DltafManifest
import Foundation
import Testing

@testable import DltafRun

private func manifest(_ text: String) throws -> Manifest {
    try ManifestLoader.parse(bytes: Array(text.utf8), file: "/work/p/m.yaml", environment: [:])
}

@Suite("plan parts: expected tables and offline dry-run checks")
struct PlanPartsTests {
    @Test(
        arguments: [
            ("{kind: sqldb, catalog: {schema: public, tables: [orders, customers]}}", ["orders", "customers"]),
            ("{kind: sqldb, catalog: {schemas: {a: {tables: [x]}, b: {tables: [y, z]}}}}", ["a__x", "b__y", "b__z"]),
            (
                "{kind: sql_database, tables: [stg_orders, items], table_name_transform: {drop_prefix: stg_}}",
                ["orders", "items"]
            ),
            ("{kind: sqldb, mode: query, query: {queries: [{name: q1, table_name: t1}, {name: q2}]}}", ["t1", "q2"]),
            ("{kind: oracle, query: {queries: [{name: q, sql: 'select 1'}]}}", ["q"]),
            ("{kind: oracle_custom_sql, queries: [{name: a, table_name: b}]}", ["b"]),
            ("{kind: mongodb, database: crm, collection_names: [users, events]}", ["users", "events"]),
            ("{kind: acme, tables: [x]}", []),
        ] as [(String, [String])])
    func expectedTables(source: String, tables: [String]) throws {
        let loaded = try manifest("source: \(source)\n")
        #expect(ExpectedTables.of(loaded) == tables)
    }

    @Test("ClickHouse: host missing is an error, the rest warnings; only booleans are reported")
    func clickHouse() throws {
        let loaded = try manifest("pipeline: {destination: clickhouse}\nsource: {kind: acme}\n")
        let empty = DryRunChecks.run(loaded, environment: [:])
        #expect(empty.errors == ["ClickHouse host is not configured (DESTINATION__CLICKHOUSE__CREDENTIALS__HOST)."])
        #expect(empty.warnings.count == 3)
        let full = DryRunChecks.run(
            loaded,
            environment: [
                "DESTINATION__CLICKHOUSE__CREDENTIALS__HOST": "h",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__DATABASE": "d",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__USERNAME": "u",
                "DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD": "secret-pw",
            ])
        #expect(full.ok)
        #expect(full.warnings.isEmpty)
        #expect(!full.json.jsonText.contains("secret-pw"))
        #expect(full.checks["clickhouse"]?["password_present"] == true)
    }

    @Test("SQL, MongoDB, Keycloak and Kafka checks")
    func sources() throws {
        let sql = DryRunChecks.run(
            try manifest("source: {kind: sqldb}\n"), environment: ["SOURCES__SQL_DATABASE__CREDENTIALS__HOST": "h"])
        #expect(
            sql.errors == [
                "SQL source username is missing (SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME).",
                "SQL source password is missing (SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD).",
            ])
        let mongo = DryRunChecks.run(
            try manifest("source: {kind: acme}\nconnections: {source: {kind: mongo}}\n"), environment: [:])
        #expect(mongo.errors == ["MongoDB connection URL is missing (SOURCES__MONGODB__CONNECTION_URL)."])
        let keycloak = DryRunChecks.run(
            try manifest("source: {kind: acme}\nconnections: {source: {kind: keycloak}}\n"),
            environment: [
                "SOURCES__KEYCLOAK__TOKEN_URL": "u", "SOURCES__KEYCLOAK__CLIENT_ID": "c",
                "SOURCES__KEYCLOAK__GRANT_TYPE": "client_credentials",
            ])
        #expect(
            keycloak.errors == [
                "Keycloak client_secret is required for grant_type=client_credentials (SOURCES__KEYCLOAK__CLIENT_SECRET)."
            ])
        let kafka = DryRunChecks.run(
            try manifest("source: {kind: acme, kafka: {bootstrap_servers: [b:9092]}}\n"), environment: [:])
        #expect(kafka.ok)
        #expect(kafka.warnings == ["Kafka topic is not set (source.kafka.topic). Default may be used."])
        let prefixed = DryRunChecks.run(
            try manifest("source: {kind: acme}\nconnections: {kafka: {kind: kafka, env_prefix: EV_}}\n"),
            environment: ["EV__BOOTSTRAP_SERVERS": "b:9092"])
        #expect(prefixed.ok)
        #expect(prefixed.checks["kafka"]?["env_prefix"] == "EV__")
    }
}
