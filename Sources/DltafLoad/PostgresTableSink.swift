import DltafProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// One stream's rows into PostgreSQL with `COPY … FROM STDIN` (text format, sent in 1 MiB pieces).
///
/// `append` copies into the table; `replace` into the real table `<table>__dltaf_stage`, renamed over the table
/// at the final commit; `merge` into a temporary staging table, moved into the table before each commit with
/// `INSERT … SELECT DISTINCT ON (key) … ORDER BY key, arrival DESC ON CONFLICT (key) DO UPDATE`, so the last row
/// of a key wins within a checkpoint and across checkpoints.
final class PostgresTableSink: TableSink {
    let table: String
    private let destination: PostgresDestination
    private let plan: SinkPlan
    /// The table rows are visible in at the end (the staging table for `replace`).
    private let target: String
    /// The temporary staging table of `merge`.
    private let mergeStage: String?
    private var columns: [ColumnSchema]
    private var created: Bool
    private var stageCreated = false
    private var stagedRows = 0
    private var copying = false
    /// Whether the COPY in progress is in binary format (rows passed through from a PostgreSQL source).
    private var copyingBinary = false
    private var buffer: [UInt8] = []
    private let loadID: [UInt8]

    private static let flushBytes = 1 << 20

    /// Whether rows in binary COPY format fit this sink: only into a table it creates in this run (a `replace`
    /// staging table, or a new table), whose column types are exactly the declared ones. An older table may
    /// hold other types (`integer` where dltaf declares `bigint`), which binary input would misread.
    var acceptsBinaryCopy: Bool { plan.existing == nil || plan.disposition == .replace }
    private static let sequenceColumn = "\"_dltaf_seq\""

    private var connection: PostgresConnection { destination.connection }

    init(destination: PostgresDestination, plan: SinkPlan) throws(LoadError) {
        self.destination = destination
        self.plan = plan
        table = plan.table
        columns = plan.existing ?? []
        var escapedID: [UInt8] = []
        do {
            try PostgresCopyText.appendEscaped(plan.loadID, into: &escapedID)
        } catch {
            throw LoadError(.badRows, "the load id holds a NUL character")
        }
        loadID = escapedID
        buffer.reserveCapacity(Self.flushBytes + 64 * 1024)
        switch plan.disposition {
        case .replace:
            target = destination.qualified(StagingNames.stage(plan.table))
            mergeStage = nil
            created = false
            try connection.exec("DROP TABLE IF EXISTS \(target)", [], "dropping the old staging table of \(table)")
        case .append, .merge:
            target = destination.qualified(plan.table)
            mergeStage =
                plan.disposition == .merge ? "pg_temp." + NameNormalizer.quote(StagingNames.stage(plan.table)) : nil
            created = plan.existing != nil
            if created, plan.needsLoadIDColumn {
                try connection.exec(
                    "ALTER TABLE \(target) ADD COLUMN \"\(StagingNames.loadIDColumn)\" text", [],
                    "adding \(StagingNames.loadIDColumn) to \(table)")
            }
            if created, plan.disposition == .merge { try createKeyIndex() }
        }
    }

    func columnsChanged(_ columns: [ColumnSchema], added: [ColumnSchema]) throws(LoadError) {
        try flush()
        self.columns = columns
        for column in added {
            let definition = "\(NameNormalizer.quote(column.name)) \(PostgresTypes.declaration(column.type))"
            if created {
                try connection.exec(
                    "ALTER TABLE \(target) ADD COLUMN \(definition)", [], "adding column \(column.name) to \(table)")
            }
            if stageCreated, let mergeStage {
                try connection.exec(
                    "ALTER TABLE \(mergeStage) ADD COLUMN \(definition)", [], "adding column \(column.name) to \(table)"
                )
            }
        }
    }

    func append(_ cells: [Cell]) throws(LoadError) {
        if copying, copyingBinary { try flush() }
        if !copying { try startCopy() }
        do {
            try PostgresCopyText.appendRow(cells, loadID: loadID, into: &buffer)
        } catch {
            let column = error.column < columns.count ? columns[error.column].name : "?"
            throw LoadError(
                .badRows,
                "stream \(plan.stream): a value of column \(column) holds a NUL character, which PostgreSQL "
                    + "text cannot store")
        }
        stagedRows += 1
        if buffer.count >= Self.flushBytes {
            try connection.copyPut(buffer, "loading rows into \(table)")
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Typed rows written as COPY text straight from the batch's buffer.
    func append(batch: RowBatch, positions: [Int], width: Int) throws(LoadError) {
        let rows = batch.rowCount
        guard rows > 0 else { return }
        if copying, copyingBinary { try flush() }
        if !copying { try startCopy() }
        var source = [Int](repeating: -1, count: width)
        for (index, position) in positions.enumerated() { source[position] = index }
        var buffer = self.buffer
        self.buffer = []
        defer { self.buffer = buffer }
        for row in 0..<rows {
            let first = row * batch.width
            for column in 0..<width {
                let index = source[column]
                if index < 0 {
                    buffer.append(contentsOf: [0x5C, 0x4E])
                } else if !Self.appendCopyText(batch, first + index, into: &buffer) {
                    throw LoadError(
                        .badRows,
                        "stream \(plan.stream): a value of column \(columns[column].name) holds a NUL character, "
                            + "which PostgreSQL text cannot store")
                }
                buffer.append(0x09)
            }
            buffer.append(contentsOf: loadID)
            buffer.append(0x0A)
            if buffer.count >= Self.flushBytes {
                try connection.copyPut(buffer, "loading rows into \(table)")
                buffer.removeAll(keepingCapacity: true)
            }
        }
        stagedRows += rows
    }

    /// One value in COPY text; false when text holds a NUL character.
    @inline(__always)
    private static func appendCopyText(_ batch: RowBatch, _ index: Int, into buffer: inout [UInt8]) -> Bool {
        switch batch.tag(index) {
        case .null: buffer.append(contentsOf: [0x5C, 0x4E])
        case .int: PostgresCopyText.appendDecimal(batch.int(index), into: &buffer)
        case .double: buffer.append(contentsOf: String(batch.double(index)).utf8)
        case .bool: buffer.append(batch.bool(index) ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .text:
            return batch.withBytes(index) { bytes in
                do {
                    try PostgresCopyText.appendEscaped(bytes: bytes, into: &buffer)
                    return true
                } catch {
                    return false
                }
            }
        case .bytes: batch.withBytes(index) { PostgresCopyText.appendHex($0, into: &buffer) }
        }
        return true
    }

    /// Rows already in COPY text (one per line, the table's columns in order, without `_dltaf_load_id`), as
    /// PostgreSQL's `COPY … TO STDOUT` writes them: each line gets the load id and goes to the server as it is.
    func appendCopyText(_ data: [UInt8], rows: Int) throws(LoadError) {
        guard !data.isEmpty else { return }
        if copying, copyingBinary { try flush() }
        if !copying { try startCopy() }
        var buffer = self.buffer
        self.buffer = []
        data.withUnsafeBytes { data in
            guard let base = data.baseAddress else { return }
            var start = 0
            while start < data.count {
                let newline = memchr(base + start, 0x0A, data.count - start)
                let end = newline.map { UnsafeRawPointer($0) - base } ?? data.count
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[start..<end]))
                buffer.append(0x09)
                buffer.append(contentsOf: loadID)
                buffer.append(0x0A)
                start = end + 1
            }
        }
        stagedRows += rows
        if buffer.count >= Self.flushBytes {
            try connection.copyPut(buffer, "loading rows into \(table)")
            buffer.removeAll(keepingCapacity: true)
        }
        self.buffer = buffer
    }

    /// A whole binary COPY stream (header, tuples, trailer) from `COPY (…) TO STDOUT (FORMAT binary)` whose
    /// last field is the load id, passed to `COPY … FROM STDIN (FORMAT binary)` as it is, piece by piece.
    func appendCopyBinary(_ data: [UInt8], rows: Int) throws(LoadError) {
        if copying, !copyingBinary { try flush() }
        if !copying { try startCopy(binary: true) }
        buffer.append(contentsOf: data)
        stagedRows += rows
        if buffer.count >= Self.flushBytes {
            try connection.copyPut(buffer, "loading rows into \(table)")
            buffer.removeAll(keepingCapacity: true)
        }
    }

    func flush() throws(LoadError) {
        guard copying else { return }
        connection.pendingCopy = nil
        if !buffer.isEmpty { try connection.copyPut(buffer, "loading rows into \(table)") }
        buffer.removeAll(keepingCapacity: true)
        copying = false
        try connection.copyEnd("loading rows into \(table)")
    }

    /// Aborts a COPY in progress (before a rollback).
    func abandon() {
        connection.pendingCopy = nil
        if copying { connection.copyAbort() }
        copying = false
        buffer.removeAll()
    }

    func prepareCommit() throws(LoadError) {
        try flush()
        guard let mergeStage, stagedRows > 0 else { return }
        let names = columns.map { NameNormalizer.quote($0.name) } + ["\"\(StagingNames.loadIDColumn)\""]
        let keys = plan.primaryKey.map(NameNormalizer.quote)
        let list = names.joined(separator: ", ")
        let updates = names.filter { !keys.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let keyList = keys.joined(separator: ", ")
        try connection.exec(
            """
            INSERT INTO \(target) (\(list)) SELECT DISTINCT ON (\(keyList)) \(list) FROM \(mergeStage) \
            ORDER BY \(keyList), \(Self.sequenceColumn) DESC ON CONFLICT (\(keyList)) DO UPDATE SET \(updates); \
            TRUNCATE \(mergeStage)
            """, [], "merging the staged rows into \(table)")
        stagedRows = 0
    }

    func finishRun() throws(LoadError) {
        guard plan.disposition == .replace else { return }
        if !created { try create() }
        try connection.exec(
            "DROP TABLE IF EXISTS \(destination.qualified(table)); ALTER TABLE \(target) RENAME TO "
                + NameNormalizer.quote(table), [], "swapping the staging table of \(table) in")
    }

    private func startCopy(binary: Bool = false) throws(LoadError) {
        if !created { try create() }
        var into = target
        if let mergeStage {
            if !stageCreated {
                try connection.exec(
                    "CREATE TEMP TABLE \(NameNormalizer.quote(StagingNames.stage(table))) (LIKE \(target), "
                        + "\(Self.sequenceColumn) bigserial)", [], "creating the staging table of \(table)")
                stageCreated = true
            }
            into = mergeStage
        }
        let names = columns.map { NameNormalizer.quote($0.name) } + ["\"\(StagingNames.loadIDColumn)\""]
        try connection.copyStart(
            "COPY \(into) (\(names.joined(separator: ", "))) FROM STDIN\(binary ? " (FORMAT binary)" : "")",
            "starting to load rows into \(table)")
        copying = true
        copyingBinary = binary
        connection.pendingCopy = { [weak self] () throws(LoadError) in try self?.flush() }
    }

    private func create() throws(LoadError) {
        let definitions =
            columns.map {
                "\(NameNormalizer.quote($0.name)) \(PostgresTypes.declaration($0.type))\($0.nullable ? "" : " NOT NULL")"
            } + ["\"\(StagingNames.loadIDColumn)\" text NOT NULL"]
        try connection.exec(
            "CREATE TABLE \(target) (\(definitions.joined(separator: ", ")))", [], "creating table \(table)")
        created = true
        if plan.disposition == .merge { try createKeyIndex() }
    }

    private func createKeyIndex() throws(LoadError) {
        let keys = plan.primaryKey.map(NameNormalizer.quote).joined(separator: ", ")
        try connection.exec(
            "CREATE UNIQUE INDEX IF NOT EXISTS \(NameNormalizer.quote(StagingNames.keyIndex(table))) ON \(target) (\(keys))",
            [], "creating the unique index on the primary key of \(table)")
    }
}
