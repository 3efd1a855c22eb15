/// PostgreSQL through libpq: the dataset is a schema (created when missing), rows go in with
/// `COPY … FROM STDIN` inside one transaction per checkpoint.
final class PostgresDestination: Destination {
    let name = "postgres"
    let allowsNUL = false
    let connection: PostgresConnection
    /// The normalised schema name.
    let schema: String
    private(set) var inTransaction = false

    init(_ configuration: PostgresConfiguration) throws(LoadError) {
        schema = NameNormalizer.normalize(configuration.dataset)
        connection = try PostgresConnection(
            parameters: configuration.parameters, secrets: [configuration.password].compactMap { $0 })
        let quoted = NameNormalizer.quote(schema)
        // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists: look first.
        let found = try connection.exec(
            "SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema], "looking for schema \(schema)")
        if found.isEmpty {
            try connection.exec("CREATE SCHEMA IF NOT EXISTS \(quoted)", [], "creating schema \(schema)")
        }
        try connection.exec("SET search_path TO \(quoted)", [], "selecting schema \(schema)")
        // Every timestamp dltaf sends carries its zone, except a zoneless one copied from a PostgreSQL source as
        // it is: that one is UTC, as the sqldb runner documents.
        try connection.exec("SET TimeZone TO 'UTC'", [], "setting the session time zone")
    }

    /// `"schema"."table"`.
    func qualified(_ table: String) -> String { NameNormalizer.quote(schema) + "." + NameNormalizer.quote(table) }

    func beginIfNeeded() throws(LoadError) {
        guard !inTransaction else { return }
        try connection.exec("BEGIN", [], "starting a transaction")
        inTransaction = true
    }

    func commit() throws(LoadError) {
        guard inTransaction else { return }
        do {
            try connection.exec("COMMIT", [], "committing")
            inTransaction = false
        } catch {
            rollback()
            throw error
        }
    }

    func rollback() {
        guard inTransaction else { return }
        _ = try? connection.exec("ROLLBACK", [], "rolling back")
        inTransaction = false
    }

    func close() {
        rollback()
        connection.close()
    }

    func describe(table: String) throws(LoadError) -> (columns: [ColumnSchema], hasLoadID: Bool)? {
        let rows = try connection.exec(
            """
            SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable
            FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position
            """, [schema, table], "reading the columns of \(table)")
        guard !rows.isEmpty else { return nil }
        var columns: [ColumnSchema] = []
        var hasLoadID = false
        for row in rows {
            let column = row[0] ?? ""
            if column == StagingNames.loadIDColumn {
                hasLoadID = true
                continue
            }
            let type = PostgresTypes.dataType(
                row[1] ?? "", precision: row[2].flatMap { Int($0) }, scale: row[3].flatMap { Int($0) })
            columns.append(ColumnSchema(name: column, type: type, nullable: row[4] != "NO"))
        }
        return (columns, hasLoadID)
    }

    func count(table: String) throws(LoadError) -> Int {
        let rows = try connection.exec("SELECT count(*) FROM \(qualified(table))", [], "counting the rows of \(table)")
        return rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
    }

    func makeSink(_ plan: SinkPlan) throws(LoadError) -> any TableSink {
        try PostgresTableSink(destination: self, plan: plan)
    }

    func ensureBookkeeping() throws(LoadError) {
        try connection.exec(
            BookkeepingSQL.create(timestamp: "timestamptz"), [], "creating _dltaf_state and _dltaf_loads")
    }

    func readStates(pipeline: String) throws(LoadError) -> [String: String] {
        let exists = try connection.exec("SELECT to_regclass($1)", [qualified("_dltaf_state")], "reading _dltaf_state")
        guard exists.first?.first.flatMap({ $0 }) != nil else { return [:] }
        let rows = try connection.exec(
            "SELECT stream, state FROM \(qualified("_dltaf_state")) WHERE pipeline_name = $1", [pipeline],
            "reading _dltaf_state")
        var states: [String: String] = [:]
        for row in rows { states[row[0] ?? ""] = row[1] ?? "null" }
        return states
    }

    func writeState(_ record: StateRecord) throws(LoadError) {
        try connection.exec(
            BookkeepingSQL.upsertState(placeholders: (1...6).map { "$\($0)" }),
            [
                record.pipeline, record.stream, record.state, record.loadID, String(record.checkpoint),
                record.updatedAt,
            ], "writing the state of \(record.stream.isEmpty ? "the pipeline" : record.stream)")
    }

    func deleteStates(pipeline: String, stream: String?) throws(LoadError) {
        try ensureBookkeeping()
        if let stream {
            try connection.exec(
                "DELETE FROM \(qualified("_dltaf_state")) WHERE pipeline_name = $1 AND stream = $2",
                [pipeline, stream],
                "resetting the state of \(stream)")
        } else {
            try connection.exec(
                "DELETE FROM \(qualified("_dltaf_state")) WHERE pipeline_name = $1", [pipeline],
                "resetting the state of \(pipeline)")
        }
    }

    func recordLoad(_ record: LoadRecord) throws(LoadError) {
        try connection.exec(
            BookkeepingSQL.insertLoad(placeholders: (1...7).map { "$\($0)" }),
            [
                record.loadID, record.pipeline, String(record.checkpoint), record.status, String(record.rows),
                record.insertedAt, record.schemaHash,
            ], "recording load \(record.loadID)")
    }
}

/// How each `DataType` is declared in PostgreSQL, and back.
extension DataType {
    /// The PostgreSQL type a column of this type is created with (`numeric(12,2)`, `timestamptz`, `jsonb`).
    public var postgresType: String { PostgresTypes.declaration(self) }
}

enum PostgresTypes {
    static func declaration(_ type: DataType) -> String {
        switch type {
        case .bigint: return "bigint"
        case .double: return "double precision"
        case .decimal(let precision, let scale): return "numeric(\(precision),\(scale))"
        case .text: return "text"
        case .bool: return "boolean"
        case .date: return "date"
        case .timestamp: return "timestamptz"
        case .json: return "jsonb"
        case .binary: return "bytea"
        }
    }

    /// The type of an `information_schema.columns.data_type`; unknown types are read as text.
    static func dataType(_ name: String, precision: Int?, scale: Int?) -> DataType {
        switch name {
        case "bigint", "integer", "smallint": return .bigint
        case "double precision", "real": return .double
        case "numeric":
            return DataType(name: "decimal", precision: precision, scale: scale) ?? DataType.defaultDecimal
        case "boolean": return .bool
        case "date": return .date
        case "timestamp with time zone", "timestamp without time zone": return .timestamp
        case "jsonb", "json": return .json
        case "bytea": return .binary
        default: return .text
        }
    }
}
