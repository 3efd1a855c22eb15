import Foundation

/// Starter manifests in the canonical form (`dltaf manifest doctor --template-kind`).
public enum ManifestTemplate {
    /// The canonical template kinds.
    public enum Kind: String, Sendable, CaseIterable {
        /// `sqldb`, generic dialect, catalog mode.
        case sqldbCatalog = "sqldb_catalog"
        /// `sqldb`, Oracle dialect, query mode.
        case sqldbQuery = "sqldb_query"
        /// `mongodb`.
        case mongodb
    }

    /// An unknown template kind.
    public struct UnknownKind: Error, Sendable, CustomStringConvertible {
        /// The kind asked for.
        public var kind: String

        /// Names the kind and lists the supported ones.
        public var description: String {
            "unknown template kind '\(kind)'; supported kinds: "
                + (Kind.allCases.map(\.rawValue) + legacyAliases.keys.sorted()).joined(separator: ", ")
        }
    }

    /// Legacy names, the canonical kind they produce, and the note written at the top of the file.
    static let legacyAliases: [String: (kind: Kind, note: String)] = [
        "sql_database": (
            .sqldbCatalog,
            "requested deprecated template-kind `sql_database`; generated canonical `sqldb` catalog template instead"
        ),
        "oracle_custom_sql": (
            .sqldbQuery,
            "requested deprecated template-kind `oracle_custom_sql`; generated canonical `sqldb` query template instead"
        ),
        "oracle": (
            .sqldbQuery,
            "requested non-canonical preset template-kind `oracle`; generated canonical `sqldb` query template instead"
        ),
    ]

    /// The template text for `kind` (canonical or legacy name), ending with a newline.
    public static func render(
        kind: String, pipelineName: String, destination: String = "clickhouse", dataset: String = "raw"
    ) throws(UnknownKind) -> String {
        let trimmed = kind.trimmingCharacters(in: .whitespaces)
        let resolved: Kind
        var note = ""
        if let canonical = Kind(rawValue: trimmed) {
            resolved = canonical
        } else if let alias = legacyAliases[trimmed] {
            resolved = alias.kind
            note = "# NOTE: \(alias.note)\n"
        } else {
            throw UnknownKind(kind: kind)
        }
        let values = Values(
            name: ScalarText.key(pipelineName), destination: ScalarText.key(destination),
            dataset: ScalarText.key(dataset))
        switch resolved {
        case .sqldbCatalog: return note + sqldbCatalog(values)
        case .sqldbQuery: return note + sqldbQuery(values)
        case .mongodb: return note + mongodb(values)
        }
    }

    /// The substituted values, already quoted where YAML needs it.
    private struct Values {
        var name: String
        var destination: String
        var dataset: String
    }

    private static func header(_ values: Values, writeDisposition: String) -> String {
        """
        version: 1
        pipeline:
          name: \(values.name)
          destination: \(values.destination)
          dataset: \(values.dataset)
          progress: log
          dev_mode: false
        run:
          write_disposition: \(writeDisposition)

        """
    }

    private static func clickhouseDestination(_ values: Values) -> String {
        """
          destination:
            kind: clickhouse
            vault: ${ENV:CLICKHOUSE__VAULT_REF|company:clickhouse/example}
            overrides:
              database: \(values.dataset)
              dataset_table_separator: __

        """
    }

    private static func airflow(_ values: Values, tags: [String]) -> String {
        """
        airflow:
          dag_id: \(values.name)
          schedule: "0 3 * * *"
          start_date: "2025-01-01"
          catchup: false
          max_active_runs: 1
          tags:

        """ + tags.map { "    - \($0)\n" }.joined()
    }

    private static func sqldbCatalog(_ values: Values) -> String {
        header(values, writeDisposition: "merge") + """
            connections:
              source:
                kind: postgres
                vault: ${ENV:POSTGRES__VAULT_REF|company:postgres/example}
                overrides:
                  drivername: postgresql+psycopg2
                  database: example

            """ + clickhouseDestination(values) + """
                source:
                  kind: sqldb
                  dialect: generic
                  mode: catalog
                  catalog:
                    schema: public
                    tables:
                      - table_1
                      - table_2

                """ + airflow(values, tags: ["dlt", "sqldb", "catalog"])
    }

    private static func sqldbQuery(_ values: Values) -> String {
        header(values, writeDisposition: "replace") + """
            connections:
              source:
                kind: oracle
                vault: ${ENV:ORACLE__VAULT_REF|company:oracle/example}
                overrides:
                  drivername: oracle+oracledb

            """ + clickhouseDestination(values) + """
                source:
                  kind: sqldb
                  dialect: oracle
                  mode: query
                  query:
                    fetch_batch_size: 2000
                    queries:
                      - name: example
                        table_name: example
                        sql_file: ../sql/oracle_smoke_query.sql
                        write_disposition: replace
                  dialect_options:
                    init_sql: ""

                """ + airflow(values, tags: ["dlt", "sqldb", "query"])
    }

    private static func mongodb(_ values: Values) -> String {
        header(values, writeDisposition: "replace") + """
            connections:
              source:
                kind: mongodb
                vault: ${ENV:MONGODB__VAULT_REF|company:mongodb/example}

            """ + clickhouseDestination(values) + """
                source:
                  kind: mongodb
                  name: mongodb
                  database: example
                  collection_names:
                    - collection_1
                  max_table_nesting: 2

                """ + airflow(values, tags: ["dlt", "mongodb"])
    }
}
