import CDltafClients
import Foundation

/// One run in the audit store: the Python dltaf's `_pipeline_runs` columns (reference §6.8), so both tools
/// read each other's history, plus `tables_json` (rows per table and load ids) and `plugins_json`.
///
/// Every value is kept as text in the order of `AuditRecord.columns`; `nil` is NULL.
public struct AuditRecord: Sendable, Equatable {
    /// The columns of `_pipeline_runs`, in order.
    public static let columns = [
        "run_id", "pipeline_name", "manifest_path", "source_kind", "destination", "dataset", "started_at",
        "finished_at", "duration_seconds", "status", "write_disposition", "validate_only", "explain_config",
        "dry_run", "dry_run_online", "plan", "env_sources_json", "plan_json", "load_metrics_json", "packages_count",
        "jobs_count", "failed_jobs_count", "tables_count", "rows_count", "result_type", "result_repr", "error_type",
        "error_class", "error_code", "error_message", "tables_json", "plugins_json",
    ]

    /// Column name → value (text, or nil for NULL).
    public var values: [String: String]

    /// A record from column values; unknown names are ignored when written.
    public init(values: [String: String]) {
        self.values = values
    }

    /// The value of `column`.
    public subscript(column: String) -> String? { values[column] }
}

/// One unit of a run: the Python dltaf's `_pipeline_run_units` columns.
public struct AuditUnit: Sendable, Equatable {
    /// The columns of `_pipeline_run_units`, in order.
    public static let columns = [
        "run_id", "pipeline_name", "manifest_path", "source_kind", "unit_kind", "unit_id", "ordinal", "started_at",
        "finished_at", "duration_seconds", "status", "stage", "rows_emitted", "retry_count", "warnings_count",
        "external_id", "outcome_code", "error_kind", "error_message", "details_json", "load_uuid", "batch_key",
        "resume_key",
    ]

    /// Column name → value.
    public var values: [String: String]

    /// A unit from column values.
    public init(values: [String: String]) {
        self.values = values
    }

    /// The value of `column`.
    public subscript(column: String) -> String? { values[column] }
}

/// The run audit (`_pipeline_runs`, `_pipeline_run_units`) in an SQLite file or a PostgreSQL schema: the
/// destination a run loaded into, or a local file for runs that loaded nothing through dltaf.
///
/// Writing a record is one transaction; the tables are created on first use and gain the columns a newer
/// dltaf adds. Used from one thread at a time.
public final class AuditStore {
    private let sql: any AuditSQL

    /// Opens the store in `destination`.
    ///
    /// - Throws: `destination_failed` when it cannot be reached.
    public init(destination: DestinationConfiguration) throws(LoadError) {
        switch destination {
        case .sqlite(let configuration):
            sql = SQLiteAuditSQL(
                try SQLiteConnection(
                    path: configuration.path, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds))
        case .postgres(let configuration):
            sql = try PostgresAuditSQL(configuration)
        }
    }

    /// Writes one run and its units, in one transaction.
    public func record(_ run: AuditRecord, units: [AuditUnit] = []) throws(LoadError) {
        try ensureTables()
        try sql.execute("BEGIN", [])
        do throws(LoadError) {
            try insert(into: "_pipeline_runs", columns: AuditRecord.columns, values: run.values)
            for unit in units {
                try insert(into: "_pipeline_run_units", columns: AuditUnit.columns, values: unit.values)
            }
            try sql.execute("COMMIT", [])
        } catch {
            _ = try? sql.execute("ROLLBACK", [])
            throw error
        }
    }

    /// The newest runs first, of `pipeline` when given.
    public func runs(pipeline: String?, limit: Int) throws(LoadError) -> [AuditRecord] {
        guard try sql.tableExists("_pipeline_runs") else { return [] }
        let filter = pipeline == nil ? "" : " WHERE pipeline_name = \(sql.placeholder(1))"
        let rows = try sql.execute(
            "SELECT \(AuditRecord.columns.joined(separator: ", ")) FROM _pipeline_runs\(filter) "
                + "ORDER BY started_at DESC LIMIT \(max(0, limit))", pipeline.map { [$0] } ?? [])
        return rows.map { AuditRecord(values: Self.zip(AuditRecord.columns, $0)) }
    }

    /// One run and its units, or nil when the store has no such run.
    public func run(id: String) throws(LoadError) -> (AuditRecord, [AuditUnit])? {
        guard try sql.tableExists("_pipeline_runs") else { return nil }
        let rows = try sql.execute(
            "SELECT \(AuditRecord.columns.joined(separator: ", ")) FROM _pipeline_runs WHERE run_id = \(sql.placeholder(1))",
            [id])
        guard let row = rows.first else { return nil }
        let units = try sql.execute(
            "SELECT \(AuditUnit.columns.joined(separator: ", ")) FROM _pipeline_run_units "
                + "WHERE run_id = \(sql.placeholder(1)) ORDER BY CAST(ordinal AS INTEGER)", [id])
        return (
            AuditRecord(values: Self.zip(AuditRecord.columns, row)),
            units.map { AuditUnit(values: Self.zip(AuditUnit.columns, $0)) }
        )
    }

    /// Creates the tables, and adds the columns this version knows that an older table lacks.
    private func ensureTables() throws(LoadError) {
        for (table, columns) in [("_pipeline_runs", AuditRecord.columns), ("_pipeline_run_units", AuditUnit.columns)] {
            try sql.execute(
                "CREATE TABLE IF NOT EXISTS \(table) (" + columns.map { "\($0) TEXT" }.joined(separator: ", ") + ")", []
            )
            let present = try sql.columns(of: table)
            for column in columns where !present.contains(column) {
                try sql.execute("ALTER TABLE \(table) ADD COLUMN \(column) TEXT", [])
            }
        }
    }

    private func insert(into table: String, columns: [String], values: [String: String]) throws(LoadError) {
        let placeholders = (1...columns.count).map(sql.placeholder).joined(separator: ", ")
        try sql.execute(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
            columns.map { values[$0] })
    }

    private static func zip(_ columns: [String], _ row: [String?]) -> [String: String] {
        var values: [String: String] = [:]
        for (column, value) in Swift.zip(columns, row) { values[column] = value }
        return values
    }
}

/// The few statements the audit needs, with text parameters, on either database.
protocol AuditSQL {
    /// `?` (SQLite) or `$n` (PostgreSQL).
    func placeholder(_ index: Int) -> String
    @discardableResult
    func execute(_ statement: String, _ parameters: [String?]) throws(LoadError) -> [[String?]]
    func tableExists(_ table: String) throws(LoadError) -> Bool
    func columns(of table: String) throws(LoadError) -> Set<String>
}

/// The audit in an SQLite file.
struct SQLiteAuditSQL: AuditSQL {
    let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    func placeholder(_ index: Int) -> String { "?" }

    @discardableResult
    func execute(_ statement: String, _ parameters: [String?]) throws(LoadError) -> [[String?]] {
        let prepared = try connection.prepare(statement, "the run audit")
        for (index, parameter) in parameters.enumerated() {
            let position = Int32(index + 1)
            _ = parameter.map { prepared.bind(text: $0, at: position) } ?? prepared.bind(.null, at: position)
        }
        var rows: [[String?]] = []
        while true {
            let code = prepared.step()
            if code == DLTAF_LITE_DONE { return rows }
            guard code == DLTAF_LITE_ROW else { throw connection.failure(code, "the run audit") }
            rows.append((0..<prepared.columnCount).map { prepared.text($0) })
        }
    }

    func tableExists(_ table: String) throws(LoadError) -> Bool {
        !(try execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table])).isEmpty
    }

    func columns(of table: String) throws(LoadError) -> Set<String> {
        Set(try execute("SELECT name FROM pragma_table_info(?)", [table]).compactMap { $0.first ?? nil })
    }
}

/// The audit in the dataset's PostgreSQL schema.
struct PostgresAuditSQL: AuditSQL {
    let connection: PostgresConnection
    let schema: String

    init(_ configuration: PostgresConfiguration) throws(LoadError) {
        schema = NameNormalizer.normalize(configuration.dataset)
        connection = try PostgresConnection(
            parameters: configuration.parameters, secrets: [configuration.password].compactMap { $0 })
        let quoted = NameNormalizer.quote(schema)
        try connection.exec("CREATE SCHEMA IF NOT EXISTS \(quoted); SET search_path TO \(quoted)", [], "the run audit")
    }

    func placeholder(_ index: Int) -> String { "$\(index)" }

    @discardableResult
    func execute(_ statement: String, _ parameters: [String?]) throws(LoadError) -> [[String?]] {
        try connection.exec(statement, parameters, "the run audit")
    }

    func tableExists(_ table: String) throws(LoadError) -> Bool {
        !(try execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [schema, table]))
            .isEmpty
    }

    func columns(of table: String) throws(LoadError) -> Set<String> {
        Set(
            try execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
                [schema, table]
            ).compactMap { $0.first ?? nil })
    }
}
