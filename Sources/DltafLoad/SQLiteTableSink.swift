import CDltafClients

/// One stream's rows into SQLite: a prepared INSERT reused for every row (re-prepared when columns are added),
/// bound cell by cell. `merge` upserts by the key; `replace` fills `<table>__dltaf_stage` and renames it over
/// the table at the final commit.
final class SQLiteTableSink: TableSink {
    let table: String
    private let connection: SQLiteConnection
    private let plan: SinkPlan
    /// Where rows go now: the table, or its staging table for `replace`.
    private let target: String
    private var columns: [ColumnSchema]
    private var created: Bool
    private var insert: SQLiteStatement?
    /// The text of the current row, bound without a copy by SQLite (one malloc and copy less per value).
    private var arena = TextArena()

    init(connection: SQLiteConnection, plan: SinkPlan) throws(LoadError) {
        self.connection = connection
        self.plan = plan
        table = plan.table
        columns = plan.existing ?? []
        if plan.disposition == .replace {
            target = StagingNames.stage(plan.table)
            created = false
            try connection.exec(
                "DROP TABLE IF EXISTS \(NameNormalizer.quote(target))", "dropping the old staging table of \(table)")
        } else {
            target = plan.table
            created = plan.existing != nil
            if created, plan.needsLoadIDColumn {
                try connection.exec(
                    "ALTER TABLE \(NameNormalizer.quote(target)) ADD COLUMN \"\(StagingNames.loadIDColumn)\" TEXT",
                    "adding \(StagingNames.loadIDColumn) to \(table)")
            }
            if created, plan.disposition == .merge { try createKeyIndex() }
        }
    }

    func columnsChanged(_ columns: [ColumnSchema], added: [ColumnSchema]) throws(LoadError) {
        self.columns = columns
        insert = nil
        guard created else { return }
        for column in added {
            try connection.exec(
                "ALTER TABLE \(NameNormalizer.quote(target)) ADD COLUMN \(definition(column, adding: true))",
                "adding column \(column.name) to \(table)")
        }
    }

    func append(_ cells: [Cell]) throws(LoadError) {
        let statement = try insertStatement()
        arena.reset(for: cells)
        for index in cells.indices {
            let position = Int32(index + 1)
            let code: Int32
            if case .text(let text) = cells[index] {
                let (start, length) = arena.store(text)
                code = dltaf_lite_bind_text_static(statement.handle, position, start, length)
            } else {
                code = statement.bind(cells[index], at: position)
            }
            guard code == DLTAF_LITE_OK else { throw connection.failure(code, "binding a value of \(table)") }
        }
        let code = statement.step()
        statement.reset()
        guard code == DLTAF_LITE_DONE else { throw connection.failure(code, "inserting into \(table)") }
    }

    func flush() throws(LoadError) {}

    func prepareCommit() throws(LoadError) {}

    func abandon() {}

    func finishRun() throws(LoadError) {
        guard plan.disposition == .replace else { return }
        if !created { try create() }
        insert = nil
        try connection.exec(
            "DROP TABLE IF EXISTS \(NameNormalizer.quote(table)); ALTER TABLE \(NameNormalizer.quote(target)) "
                + "RENAME TO \(NameNormalizer.quote(table))", "swapping the staging table of \(table) in")
    }

    private func insertStatement() throws(LoadError) -> SQLiteStatement {
        if let insert { return insert }
        if !created { try create() }
        let names = columns.map { NameNormalizer.quote($0.name) } + ["\"\(StagingNames.loadIDColumn)\""]
        // The load id is a literal: one bind less per row.
        let values = Array(repeating: "?", count: columns.count) + [SQLLiteral.string(plan.loadID)]
        var sql =
            "INSERT INTO \(NameNormalizer.quote(target)) (\(names.joined(separator: ", "))) "
            + "VALUES (\(values.joined(separator: ", ")))"
        if plan.disposition == .merge {
            let keys = plan.primaryKey.map(NameNormalizer.quote).joined(separator: ", ")
            let updates = names.filter { name in !plan.primaryKey.contains { NameNormalizer.quote($0) == name } }
                .map { "\($0) = excluded.\($0)" }
            sql += " ON CONFLICT (\(keys)) DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        let statement = try connection.prepare(sql, "preparing the insert into \(table)")
        insert = statement
        return statement
    }

    private func create() throws(LoadError) {
        let definitions =
            columns.map { definition($0, adding: false) } + ["\"\(StagingNames.loadIDColumn)\" TEXT NOT NULL"]
        try connection.exec(
            "CREATE TABLE \(NameNormalizer.quote(target)) (\(definitions.joined(separator: ", ")))",
            "creating table \(target)")
        created = true
        if plan.disposition == .merge { try createKeyIndex() }
    }

    private func createKeyIndex() throws(LoadError) {
        let keys = plan.primaryKey.map(NameNormalizer.quote).joined(separator: ", ")
        try connection.exec(
            "CREATE UNIQUE INDEX IF NOT EXISTS \(NameNormalizer.quote(StagingNames.keyIndex(table))) "
                + "ON \(NameNormalizer.quote(target)) (\(keys))",
            "creating the unique index on the primary key of \(table)")
    }

    private func definition(_ column: ColumnSchema, adding: Bool) -> String {
        // SQLite cannot add a NOT NULL column without a default to a table that has rows.
        let constraint = column.nullable || adding ? "" : " NOT NULL"
        return "\(NameNormalizer.quote(column.name)) \(SQLiteTypes.declaration(column.type))\(constraint)"
    }
}

/// SQL string literals.
enum SQLLiteral {
    /// `'text'` with quotes doubled.
    static func string(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
}
