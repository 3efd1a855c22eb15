import DltafProtocol

/// One destination connection as the session drives it: transactions, tables, and the two bookkeeping tables.
///
/// Every call blocks and is made from one thread at a time. A failure is a `LoadError` with code
/// `destination_failed` whose message names the table and never a secret.
protocol Destination: AnyObject {
    /// `sqlite` or `postgres`, for messages and statistics.
    var name: String { get }
    /// Whether text values may hold NUL characters (SQLite stores them; PostgreSQL cannot).
    var allowsNUL: Bool { get }

    /// Whether a transaction is open.
    var inTransaction: Bool { get }
    /// Starts the transaction of the current checkpoint unless one is open.
    func beginIfNeeded() throws(LoadError)
    /// Commits the open transaction (nothing when none is open).
    func commit() throws(LoadError)
    /// Rolls back the open transaction; never fails (a lost connection has nothing left to roll back).
    func rollback()
    /// Closes the connection; later calls fail.
    func close()

    /// The columns of `table` without `_dltaf_load_id`, and whether that column exists; nil when no such table.
    func describe(table: String) throws(LoadError) -> (columns: [ColumnSchema], hasLoadID: Bool)?
    /// `count(*)` of `table`.
    func count(table: String) throws(LoadError) -> Int
    /// The writer of one stream's rows (it creates its table or staging table when first needed).
    func makeSink(_ plan: SinkPlan) throws(LoadError) -> any TableSink

    /// Creates `_dltaf_state` and `_dltaf_loads` unless they exist.
    func ensureBookkeeping() throws(LoadError)
    /// `stream → state JSON text` of `pipeline` (`""` is the pipeline state); empty when nothing is stored.
    func readStates(pipeline: String) throws(LoadError) -> [String: String]
    /// Inserts or replaces one state row.
    func writeState(_ record: StateRecord) throws(LoadError)
    /// Deletes the state of one stream, or every state of the pipeline when `stream` is nil.
    func deleteStates(pipeline: String, stream: String?) throws(LoadError)
    /// Inserts one `_dltaf_loads` row.
    func recordLoad(_ record: LoadRecord) throws(LoadError)
}

/// What a sink is for: the table, how rows reach it, and what the table looks like already.
struct SinkPlan {
    /// The stream, for messages.
    var stream: String
    var table: String
    var disposition: WriteDisposition
    /// Normalised key columns (merge).
    var primaryKey: [String]
    /// The table's columns now; nil when it does not exist yet.
    var existing: [ColumnSchema]?
    /// Whether the existing table lacks `_dltaf_load_id` (then it is added).
    var needsLoadIDColumn: Bool
    var loadID: String
}

/// Writes the rows of one stream into the open transaction.
protocol TableSink: AnyObject {
    /// The table's columns changed (`added` are new, at the end); before the first row this only records them.
    func columnsChanged(_ columns: [ColumnSchema], added: [ColumnSchema]) throws(LoadError)
    /// Adds one row, one cell per column in order (the sink adds `_dltaf_load_id`).
    func append(_ cells: [Cell]) throws(LoadError)
    /// Adds every row of a typed batch whose values were checked against the columns: `positions[i]` is the
    /// column of the batch's `i`-th value, `width` the table's column count (the others are NULL).
    func append(batch: RowBatch, positions: [Int], width: Int) throws(LoadError)
    /// Sends whatever is buffered (ends a COPY), before DDL or a commit.
    func flush() throws(LoadError)
    /// The last step before the checkpoint's commit (PostgreSQL merge: staging → table); returns nothing.
    func prepareCommit() throws(LoadError)
    /// At the final commit: swap a `replace` staging table in. Nothing for other dispositions.
    func finishRun() throws(LoadError)
    /// Drops whatever is buffered or in flight (a COPY), before a rollback; never fails.
    func abandon()
    /// The table the rows are visible in once the run finished.
    var table: String { get }
}

/// One row of `_dltaf_state`.
struct StateRecord {
    var pipeline: String
    var stream: String
    var state: String
    var loadID: String
    var checkpoint: Int
    var updatedAt: String
}

/// One row of `_dltaf_loads`.
struct LoadRecord {
    var loadID: String
    var pipeline: String
    var checkpoint: Int
    /// `checkpoint` for a checkpoint, `completed` for the final commit of a successful run.
    var status: String
    var rows: Int
    var insertedAt: String
    var schemaHash: String?
}
