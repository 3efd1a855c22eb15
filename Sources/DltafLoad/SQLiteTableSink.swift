import CDltafClients
import DltafProtocol

/// One stream's rows into SQLite: prepared INSERTs of up to 64 rows each (one statement step per 64 rows
/// instead of per row), reused until columns are added, bound cell by cell; the rest of a batch goes through
/// a one-row INSERT at the next flush. `merge` upserts by the key; `replace` fills `<table>__dltaf_stage` and renames it over
/// the table at the final commit.
final class SQLiteTableSink: TableSink {
    let table: String
    private let connection: SQLiteConnection
    private let plan: SinkPlan
    /// Where rows go now: the table, or its staging table for `replace`.
    private let target: String
    private var columns: [ColumnSchema]
    private var created: Bool
    /// One-row and multi-row INSERTs.
    private var insert: SQLiteStatement?
    private var batchInsert: SQLiteStatement?
    /// Rows waiting for the multi-row INSERT, cells back to back.
    private var pending: [Cell] = []
    private var pendingRows = 0
    /// The text of the rows being bound, bound without a copy by SQLite (one malloc and copy less per value).
    private var arena = TextArena()

    /// Rows per multi-row INSERT, within SQLite's limit of bound parameters.
    private var batchRows: Int { max(1, min(64, 32_000 / max(1, columns.count))) }

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
        try flush()
        self.columns = columns
        insert = nil
        batchInsert = nil
        guard created else { return }
        for column in added {
            try connection.exec(
                "ALTER TABLE \(NameNormalizer.quote(target)) ADD COLUMN \(definition(column, adding: true))",
                "adding column \(column.name) to \(table)")
        }
    }

    func append(_ cells: [Cell]) throws(LoadError) {
        pending.append(contentsOf: cells)
        pendingRows += 1
        guard pendingRows == batchRows else { return }
        if batchInsert == nil { batchInsert = try prepareInsert(rows: batchRows) }
        guard let batchInsert else { return }
        try run(batchInsert, pending[...])
        pending.removeAll(keepingCapacity: true)
        pendingRows = 0
    }

    /// Typed rows, bound straight from the batch's buffer (text without a copy): groups of `batchRows` rows
    /// through the multi-row INSERT, the rest one by one.
    func append(batch: RowBatch, positions: [Int], width: Int) throws(LoadError) {
        try flush()
        let rows = batch.rowCount
        guard rows > 0 else { return }
        if batchInsert == nil { batchInsert = try prepareInsert(rows: batchRows) }
        if insert == nil { insert = try prepareInsert(rows: 1) }
        guard let batchInsert, let insert else { return }
        var source = [Int](repeating: -1, count: width)
        for (index, position) in positions.enumerated() { source[position] = index }
        let group = batchRows
        let failure: LoadError? = batch.withStorage { storage in
            let base = storage.baseAddress
            var row = 0
            while row < rows {
                let count = rows - row >= group ? group : 1
                let statement = count == group ? batchInsert : insert
                var parameter: Int32 = 1
                for current in row..<(row + count) {
                    let first = current * batch.width
                    for column in 0..<width {
                        let index = source[column]
                        let code =
                            index < 0
                            ? dltaf_lite_bind_null(statement.handle, parameter)
                            : bind(batch, first + index, base, to: statement, at: parameter)
                        guard code == DLTAF_LITE_OK else {
                            return connection.failure(code, "binding a value of \(table)")
                        }
                        parameter += 1
                    }
                }
                let code = statement.step()
                statement.reset()
                guard code == DLTAF_LITE_DONE else { return connection.failure(code, "inserting into \(table)") }
                row += count
            }
            return nil
        }
        if let failure { throw failure }
    }

    @inline(__always)
    private func bind(
        _ batch: RowBatch, _ index: Int, _ base: UnsafeRawPointer?, to statement: SQLiteStatement, at parameter: Int32
    ) -> Int32 {
        switch batch.tag(index) {
        case .null: return dltaf_lite_bind_null(statement.handle, parameter)
        case .int: return dltaf_lite_bind_int64(statement.handle, parameter, batch.int(index))
        case .double: return dltaf_lite_bind_double(statement.handle, parameter, batch.double(index))
        case .bool: return dltaf_lite_bind_int64(statement.handle, parameter, batch.bool(index) ? 1 : 0)
        case .text:
            // The batch outlives the step: SQLite may read the text in place.
            let (offset, count) = batch.span(index)
            let start = base.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
            return dltaf_lite_bind_text_static(statement.handle, parameter, start, Int32(count))
        case .bytes:
            let (offset, count) = batch.span(index)
            return dltaf_lite_bind_blob(statement.handle, parameter, base.map { $0 + offset }, Int32(count))
        }
    }

    func flush() throws(LoadError) {
        guard pendingRows > 0 else { return }
        if insert == nil { insert = try prepareInsert(rows: 1) }
        guard let insert else { return }
        // Rows may have no cells at all (a table of only `_dltaf_load_id` so far): count rows, not cells.
        let width = pending.count / pendingRows
        for row in 0..<pendingRows {
            try run(insert, pending[(row * width)..<((row + 1) * width)])
        }
        pending.removeAll(keepingCapacity: true)
        pendingRows = 0
    }

    func prepareCommit() throws(LoadError) { try flush() }

    func abandon() {
        pending.removeAll()
        pendingRows = 0
    }

    /// Binds `cells` to the statement's parameters in order and steps it once.
    private func run(_ statement: SQLiteStatement, _ cells: ArraySlice<Cell>) throws(LoadError) {
        arena.reset(for: cells)
        var position: Int32 = 1
        for cell in cells {
            let code: Int32
            if case .text(let text) = cell {
                let (start, length) = arena.store(text)
                code = dltaf_lite_bind_text_static(statement.handle, position, start, length)
            } else {
                code = statement.bind(cell, at: position)
            }
            guard code == DLTAF_LITE_OK else { throw connection.failure(code, "binding a value of \(table)") }
            position += 1
        }
        let code = statement.step()
        statement.reset()
        guard code == DLTAF_LITE_DONE else { throw connection.failure(code, "inserting into \(table)") }
    }

    func finishRun() throws(LoadError) {
        try flush()
        guard plan.disposition == .replace else { return }
        if !created { try create() }
        insert = nil
        batchInsert = nil
        try connection.exec(
            "DROP TABLE IF EXISTS \(NameNormalizer.quote(table)); ALTER TABLE \(NameNormalizer.quote(target)) "
                + "RENAME TO \(NameNormalizer.quote(table))", "swapping the staging table of \(table) in")
    }

    /// `INSERT … VALUES (…), (…)` for `rows` rows; for merge with the upsert clause (within one statement the
    /// rows are applied in order, so the last row of a key still wins).
    private func prepareInsert(rows: Int) throws(LoadError) -> SQLiteStatement {
        if !created { try create() }
        let names = columns.map { NameNormalizer.quote($0.name) } + ["\"\(StagingNames.loadIDColumn)\""]
        // The load id is a literal: one bind less per row.
        let values = Array(repeating: "?", count: columns.count) + [SQLLiteral.string(plan.loadID)]
        let group = "(" + values.joined(separator: ", ") + ")"
        var sql =
            "INSERT INTO \(NameNormalizer.quote(target)) (\(names.joined(separator: ", "))) "
            + "VALUES \(Array(repeating: group, count: rows).joined(separator: ", "))"
        if plan.disposition == .merge {
            let keys = plan.primaryKey.map(NameNormalizer.quote).joined(separator: ", ")
            let updates = names.filter { name in !plan.primaryKey.contains { NameNormalizer.quote($0) == name } }
                .map { "\($0) = excluded.\($0)" }
            sql += " ON CONFLICT (\(keys)) DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        return try connection.prepare(sql, "preparing the insert into \(table)")
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
