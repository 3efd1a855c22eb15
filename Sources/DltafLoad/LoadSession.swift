import DltafJSON
import DltafProtocol
import Synchronization

/// One run's loading session (PROTOCOL.md §8): streams opened by a runner, rows written into an open
/// destination transaction, and checkpoints that commit rows, state and a load record together.
///
/// Exactly-once per checkpoint: `checkpoint` returns only after the rows written since the previous one, the new
/// state and a `_dltaf_loads` row are committed in one transaction. `finish()` commits the tail and swaps in
/// `replace` tables; `abort()` (or a failure, or the process dying) leaves the previous state and no rows of the
/// uncommitted checkpoint. After any error other than a refused request (unknown stream, malformed write),
/// the session accepts nothing but `abort()`.
///
/// Calls block on destination I/O; make them from one thread at a time, off Swift's cooperative pool. The
/// session is `Sendable` (its state sits behind a `Mutex`) so it can be handed to that thread.
public final class LoadSession: Sendable {
    private let core: Mutex<SessionCore>

    /// The run's load id.
    public let loadID: String
    /// The pipeline whose state the session reads and writes.
    public let pipeline: String

    /// Connects to the destination.
    ///
    /// - Parameters:
    ///   - destination: where rows go.
    ///   - pipeline: the pipeline name keying `_dltaf_state`.
    ///   - loadID: this run's id, stored in every row (`_dltaf_load_id`) and in `_dltaf_loads`.
    ///   - writeDisposition: the run's default (`context.write_disposition`).
    ///   - schemaContract: the run's contract (`run.schema_contract`).
    ///   - spoolDirectory: when set, `writeFile` accepts only regular files directly inside it.
    /// - Throws: `destination_failed` when the destination cannot be reached or opened.
    public init(
        destination: DestinationConfiguration, pipeline: String, loadID: String,
        writeDisposition: WriteDisposition = .append, schemaContract: SchemaContract = .evolve,
        spoolDirectory: String? = nil
    ) throws(LoadError) {
        let opened: any Destination
        switch destination {
        case .sqlite(let configuration): opened = try SQLiteDestination(configuration)
        case .postgres(let configuration): opened = try PostgresDestination(configuration)
        }
        self.loadID = loadID
        self.pipeline = pipeline
        core = Mutex(
            SessionCore(
                destination: opened, pipeline: pipeline, loadID: loadID,
                defaults: (writeDisposition, schemaContract), spoolDirectory: spoolDirectory))
    }

    /// The last committed pipeline and stream states of `pipeline` (defaults to the session's).
    public func committedState(pipeline: String? = nil) throws(LoadError) -> CommittedState {
        let name = pipeline ?? self.pipeline
        return try core.withLock { core throws(LoadError) in try core.committedState(pipeline: name) }
    }

    /// `data/open`: declares a stream once per run, creating or evolving its table as declared.
    ///
    /// - Throws: `stream_already_open`, `bad_rows` (bad names, `merge` without a key), `schema_contract`
    ///   (a declared new column on an existing table under `freeze`), `destination_failed`.
    @discardableResult
    public func open(_ declaration: StreamDeclaration) throws(LoadError) -> OpenedStream {
        try core.withLock { core throws(LoadError) in try core.open(declaration) }
    }

    /// `data/write` with inline rows: `rows[i]` holds one value per entry of `columns`.
    ///
    /// - Returns: the rows written (rows the `discard_row` contract dropped are not counted).
    /// - Throws: `stream_not_open`, `bad_rows`, `schema_contract`, `destination_failed`.
    @discardableResult
    public func write(stream: String, columns: [String], rows: [[JSONValue]]) throws(LoadError) -> Int {
        try core.withLock { core throws(LoadError) in try core.write(stream: stream, columns: columns, rows: rows) }
    }

    /// `data/write` with a file: NDJSON (one object per line) or CSV (RFC 4180, header line, empty unquoted
    /// field = NULL). The caller deletes the file afterwards.
    ///
    /// - Returns: the rows written.
    /// - Throws: `file_outside_spool`, `bad_rows` (with the line number), and the errors of `write`.
    @discardableResult
    public func writeFile(stream: String, path: String, format: FileFormat) throws(LoadError) -> Int {
        try core.withLock { core throws(LoadError) in try core.writeFile(stream: stream, path: path, format: format) }
    }

    /// Typed rows from an in-process source (the `sqldb` runner): no JSON on the way. Every column must have
    /// been declared at `open`; each value's tag must fit its column's type (see `RowBatch`).
    ///
    /// - Returns: the rows written.
    /// - Throws: `stream_not_open`, `bad_rows` (an undeclared column, a value that does not fit, a NULL in a
    ///   required column), `destination_failed`.
    @discardableResult
    public func write(stream: String, columns: [String], batch: RowBatch) throws(LoadError) -> Int {
        try core.withLock { core throws(LoadError) in try core.write(stream: stream, columns: columns, batch: batch) }
    }

    /// Whether `writeCopyText` can take rows of `columns` for `stream`: the destination is PostgreSQL and the
    /// columns are the stream's table columns in table order.
    public func acceptsCopyText(stream: String, columns: [String]) throws(LoadError) -> Bool {
        try core.withLock { core throws(LoadError) in try core.acceptsCopyText(stream: stream, columns: columns) }
    }

    /// Whether `writeCopyBinary` can take rows of `columns` for `stream`: a PostgreSQL destination, the table's
    /// columns in order, and a table created in this run (a `replace` always is), so that its column types are
    /// exactly the declared ones (`DataType.postgresType`).
    public func acceptsCopyBinary(stream: String, columns: [String]) throws(LoadError) -> Bool {
        try core.withLock { core throws(LoadError) in try core.acceptsCopyBinary(stream: stream, columns: columns) }
    }

    /// A piece of one binary COPY stream (`COPY (…) TO STDOUT (FORMAT binary)` of the declared columns cast to
    /// their `postgresType`, then the load id as text), passed to the destination as it is; the pieces of one
    /// stream arrive in order, header first and trailer last. Only where `acceptsCopyBinary` says yes.
    ///
    /// - Returns: `rows`.
    @discardableResult
    public func writeCopyBinary(stream: String, columns: [String], data: [UInt8], rows: Int) throws(LoadError) -> Int {
        try core.withLock { core throws(LoadError) in
            try core.writeCopyBinary(stream: stream, columns: columns, data: data, rows: rows)
        }
    }

    /// Rows in PostgreSQL's COPY text format (one per line, as `COPY … TO STDOUT` writes them), sent to a
    /// PostgreSQL destination without being parsed: the server checks every value. Only where
    /// `acceptsCopyText` says yes.
    ///
    /// - Returns: `rows`.
    @discardableResult
    public func writeCopyText(stream: String, columns: [String], data: [UInt8], rows: Int)
        throws(LoadError) -> Int
    {
        try core.withLock { core throws(LoadError) in
            try core.writeCopyText(stream: stream, columns: columns, data: data, rows: rows)
        }
    }

    /// `data/checkpoint`: commits the rows written since the previous checkpoint, `state` (replacing the
    /// pipeline state; nil keeps it, `.null` stores null) and `streams` (replacing the state of each stream
    /// named, opened in this run or not) in one transaction, with a `_dltaf_loads` row. Returns after `COMMIT`.
    public func checkpoint(state: JSONValue?, streams: [String: JSONValue] = [:]) throws(LoadError)
        -> CheckpointResult
    {
        try core.withLock { core throws(LoadError) in try core.checkpoint(state: state, streams: streams) }
    }

    /// Rolls back what was written since the last checkpoint and forgets `stream`, for a unit whose source
    /// failed while others go on (`partial_success`): the failed stream's table is left as it was. Checkpoint
    /// each unit before the next, or their rows since the last checkpoint are rolled back with it.
    public func discard(stream: String) throws(LoadError) {
        try core.withLock { core throws(LoadError) in try core.discard(stream: stream) }
    }

    /// `count(*)` of the table `stream` writes to, as this session sees it (for per-table figures of merge).
    public func rowCount(stream: String) throws(LoadError) -> Int {
        try core.withLock { core throws(LoadError) in try core.rowCount(stream: stream) }
    }

    /// The run succeeded: commits what was written after the last checkpoint (keeping the last state), swaps in
    /// `replace` tables, records the run as completed and closes the connection.
    public func finish() throws(LoadError) -> LoadSummary {
        try core.withLock { core throws(LoadError) in try core.finish() }
    }

    /// The run failed: rolls back everything after the last checkpoint and closes the connection. Never fails.
    public func abort() {
        core.withLock { core in core.abort() }
    }

    /// Deletes the committed state of `stream` of `pipeline`, of the pipeline state itself when `stream` is
    /// `""`, or all of the pipeline's state when `stream` is nil (for `dltaf state reset`). Committed at once
    /// when nothing is pending, else with the next checkpoint.
    public func resetState(pipeline: String, stream: String?) throws(LoadError) {
        try core.withLock { core throws(LoadError) in try core.resetState(pipeline: pipeline, stream: stream) }
    }

    /// Per-table statistics so far, in opening order.
    public var statistics: [TableStatistics] {
        core.withLock { core in core.statistics }
    }
}

/// A file handed to `writeFile`.
public enum FileFormat: String, Sendable, CaseIterable {
    /// One JSON object per line, keys are column names.
    case ndjson
    /// RFC 4180, the first line names the columns.
    case csv
}
