public import DltafJSON
import DltafLoad
public import DltafProtocol

/// What a `sqldb` manifest asks for (`source` in canonical or legacy layout, plus `run`), read once before any
/// connection is made. The layouts are the Python dltaf's: `source.catalog` / `source.query`, or the legacy top
/// level (`schema`, `tables`, `queries`, ...) of `sqldb`, `sql_database` and `oracle_custom_sql`.
public struct SQLDBConfiguration: Sendable, Equatable {
    /// Copy tables, or run named queries.
    public enum Mode: String, Sendable {
        case catalog, query
    }

    /// Tables of one schema (nil: the source's default); empty `tables` means every base table of the schema.
    public struct SchemaSelection: Sendable, Equatable {
        public var schema: String?
        public var tables: [String]
    }

    /// One named query.
    public struct Query: Sendable, Equatable {
        public var name: String
        /// The destination table (defaults to the name).
        public var table: String
        /// The SQL, with `:name` parameters.
        public var sql: String
        /// Where the SQL came from (`sql_file` path, or `inline`), for messages.
        public var origin: String
        public var parameters: [String: JSONValue]
        public var writeDisposition: WriteDisposition?
        public var primaryKey: [String]
        public var incremental: Incremental?
    }

    /// Incremental loading by a cursor column (a dltaf extension of the manifest: `source.incremental`, or
    /// `incremental` on a query).
    public struct Incremental: Sendable, Equatable {
        /// The cursor column.
        public var column: String
        /// The lower bound of the first run (inclusive); nil reads from the start.
        public var initialValue: JSONValue?
        /// An upper bound (exclusive); nil reads to the end.
        public var endValue: JSONValue?
        /// Rows between checkpoints inside one table, so a killed run resumes at the last one.
        public var chunkRows: Int
    }

    /// The source kind as written (`sqldb`, `sql_database`, `oracle_custom_sql`, `oracle`).
    public var kind: String
    /// `source.dialect` (lowercased), `generic` when absent; the connection decides what is read.
    public var dialect: String
    public var mode: Mode
    public var schemas: [SchemaSelection]
    public var queries: [Query]
    /// Rows per batch read from the source (`fetch_batch_size`).
    public var batchRows: Int
    /// `source.incremental`, for every table of a catalog.
    public var incremental: Incremental?
    /// The run's write disposition.
    public var writeDisposition: WriteDisposition
    /// `run.partial_success`; nil means the first failing table fails the run.
    public var partialSuccess: PartialSuccessPolicy?
    /// Things the manifest asks for that this build accepts but does not do, for the run's warnings.
    public var warnings: [String]

    /// The default `fetch_batch_size`.
    public static let defaultBatchRows = 20_000
    /// The default `incremental.chunk_rows`.
    public static let defaultChunkRows = 500_000
}

/// A manifest the `sqldb` runner cannot run, with the key it is about.
public struct SQLDBConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted path of the key (`source.query.queries[0].sql_file`).
    public var path: String
    public var message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
