import CDltafClients

/// The embedded destination: one SQLite file per dataset, tables unprefixed (PROTOCOL.md §8).
///
/// One connection and one writer: WAL journal, `BEGIN IMMEDIATE` so the write lock is taken up front rather
/// than failing at the first write, a large page cache, and one transaction per checkpoint.
final class SQLiteDestination: Destination {
    let name = "sqlite"
    let allowsNUL = true
    let connection: SQLiteConnection
    private(set) var inTransaction = false

    init(_ configuration: SQLiteConfiguration) throws(LoadError) {
        connection = try SQLiteConnection(
            path: configuration.path, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        // A 16 MiB page cache: bulk inserts gain little from more (SQLite spills dirty pages to the WAL), and
        // dltaf stays well under 100 MiB whatever the load (64 MiB took a 1M-row run to 116 MB).
        // NORMAL can lose the last commits on power loss (WAL is synced only at its checkpoints); FULL syncs
        // the WAL at every commit, one fsync per checkpoint, which is what "durable" promises the runner.
        // Temporary files stay on disk (SQLite's default): with temp_store=MEMORY the statement journal of a
        // replace's DROP TABLE held the whole old table in memory (157 MB for 1M rows).
        let synchronous = configuration.synchronousFull ? "FULL" : "NORMAL"
        try connection.exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=\(synchronous); PRAGMA cache_size=-16384;",
            "configuring \(configuration.path)")
    }

    func beginIfNeeded() throws(LoadError) {
        guard !inTransaction else { return }
        try connection.exec("BEGIN IMMEDIATE", "starting a transaction")
        inTransaction = true
    }

    func commit() throws(LoadError) {
        guard inTransaction else { return }
        do {
            try connection.exec("COMMIT", "committing")
            inTransaction = false
        } catch {
            rollback()
            throw error
        }
    }

    func rollback() {
        guard inTransaction else { return }
        try? connection.exec("ROLLBACK", "rolling back")
        inTransaction = false
    }

    func close() {
        rollback()
        connection.close()
    }

    func describe(table: String) throws(LoadError) -> (columns: [ColumnSchema], hasLoadID: Bool)? {
        let query = try connection.prepare(
            "SELECT name, type, \"notnull\" FROM pragma_table_info(?)", "reading the columns of \(table)")
        _ = query.bind(text: table, at: 1)
        var columns: [ColumnSchema] = []
        var hasLoadID = false
        var found = false
        while true {
            let code = query.step()
            guard code == DLTAF_LITE_ROW else {
                guard code == DLTAF_LITE_DONE else { throw connection.failure(code, "reading the columns of \(table)") }
                break
            }
            found = true
            let column = query.text(0) ?? ""
            if column == StagingNames.loadIDColumn {
                hasLoadID = true
                continue
            }
            let type = SQLiteTypes.dataType(declared: query.text(1) ?? "")
            columns.append(ColumnSchema(name: column, type: type, nullable: query.int(2) == 0))
        }
        return found ? (columns, hasLoadID) : nil
    }

    func count(table: String) throws(LoadError) -> Int {
        let query = try connection.prepare(
            "SELECT count(*) FROM \(NameNormalizer.quote(table))", "counting the rows of \(table)")
        let code = query.step()
        guard code == DLTAF_LITE_ROW else { throw connection.failure(code, "counting the rows of \(table)") }
        return Int(query.int(0))
    }

    func makeSink(_ plan: SinkPlan) throws(LoadError) -> any TableSink {
        try SQLiteTableSink(connection: connection, plan: plan)
    }
}

/// How each `DataType` is declared in SQLite. The declared names are kept so the types read back exactly;
/// each is chosen for its affinity: `DECIMAL_TEXT`, `JSON_TEXT`, `DATE_TEXT` and `TIMESTAMPTZ_TEXT` have TEXT
/// affinity (a NUMERIC column would turn `"1.50"` into the real 1.5, and tries to parse every ISO string as a
/// number).
enum SQLiteTypes {
    static func declaration(_ type: DataType) -> String {
        switch type {
        case .bigint: return "BIGINT"
        case .double: return "DOUBLE"
        case .decimal(let precision, let scale): return "DECIMAL_TEXT(\(precision),\(scale))"
        case .text: return "TEXT"
        case .bool: return "BOOLEAN"
        case .date: return "DATE_TEXT"
        case .timestamp: return "TIMESTAMPTZ_TEXT"
        case .json: return "JSON_TEXT"
        case .binary: return "BLOB"
        }
    }

    /// The type of a declared column: ours exactly, any other by SQLite's affinity rules.
    static func dataType(declared: String) -> DataType {
        let upper = declared.uppercased()
        switch upper {
        case "BIGINT": return .bigint
        case "DOUBLE": return .double
        case "TEXT": return .text
        case "BOOLEAN": return .bool
        case "DATE_TEXT", "DATE": return .date
        case "TIMESTAMPTZ_TEXT", "TIMESTAMPTZ": return .timestamp
        case "JSON_TEXT": return .json
        case "BLOB": return .binary
        default: break
        }
        if upper.hasPrefix("DECIMAL_TEXT(") {
            let digits = upper.dropFirst("DECIMAL_TEXT(".count).dropLast().split(separator: ",").compactMap { Int($0) }
            if digits.count == 2, let type = DataType(name: "decimal", precision: digits[0], scale: digits[1]) {
                return type
            }
        }
        if upper.contains("INT") { return .bigint }
        if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") { return .double }
        if upper.contains("BLOB") { return .binary }
        return .text
    }
}
