import DltafJSON
public import DltafProtocol

// `WriteDisposition` is the protocol's own enumeration (DltafProtocol): `append`; `replace` loads into
// `<table>__dltaf_stage` and swaps it in at `finish()`; `merge` inserts or updates by key, the last row wins.

/// What happens to a new column or a value that does not fit its column (dlt's contract modes).
public enum SchemaContract: String, Sendable, CaseIterable {
    /// New columns are added; a conflicting value goes to a variant column `<name>__v_<type>`.
    case evolve
    /// Anything new or conflicting is the error `schema_contract`.
    case freeze
    /// The whole row is dropped.
    case discardRow = "discard_row"
    /// The value is dropped (stored as NULL); the rest of the row is kept.
    case discardValue = "discard_value"
}

/// A column a runner declares in `data/open`.
public struct ColumnDeclaration: Sendable, Equatable {
    /// The name as the runner spells it (normalised by the session).
    public var name: String
    /// Its type.
    public var type: DataType
    /// Whether NULL is allowed (a NULL in a non-nullable column is `bad_rows`).
    public var nullable: Bool

    /// Creates a declaration.
    public init(name: String, type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// `data/open`: one stream of a run.
public struct StreamDeclaration: Sendable, Equatable {
    /// The stream name the runner uses in writes and checkpoints.
    public var stream: String
    /// The table; defaults to the stream name. Normalised either way.
    public var table: String?
    /// Declared columns; others are inferred from the first values written.
    public var columns: [ColumnDeclaration]
    /// The key of `merge` (required there); also gets a unique index.
    public var primaryKey: [String]
    /// Defaults to the session's disposition.
    public var writeDisposition: WriteDisposition?
    /// Defaults to the session's contract.
    public var schemaContract: SchemaContract?

    /// Creates a declaration.
    public init(
        stream: String, table: String? = nil, columns: [ColumnDeclaration] = [], primaryKey: [String] = [],
        writeDisposition: WriteDisposition? = nil, schemaContract: SchemaContract? = nil
    ) {
        self.stream = stream
        self.table = table
        self.columns = columns
        self.primaryKey = primaryKey
        self.writeDisposition = writeDisposition
        self.schemaContract = schemaContract
    }
}

/// The answer to `data/open`.
public struct OpenedStream: Sendable, Equatable {
    /// The stream.
    public var stream: String
    /// The normalised table name the rows go to.
    public var table: String
    /// The stream's last committed state; nil when there is none.
    public var state: JSONValue?

    /// Creates an answer.
    public init(stream: String, table: String, state: JSONValue?) {
        self.stream = stream
        self.table = table
        self.state = state
    }
}
