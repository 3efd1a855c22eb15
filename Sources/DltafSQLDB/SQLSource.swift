public import DltafJSON
public import DltafLoad

/// One column of a source table or query result, with the loader type it maps to.
public struct SourceColumn: Sendable, Equatable {
    /// The name as the source spells it.
    public var name: String
    /// The type as the source names it (`numeric(12,2)`, `timestamp with time zone`, `DATETIME`), for messages.
    public var sourceType: String
    /// The loader type its values are read as; nil when dltaf cannot map the source type (the unit fails,
    /// naming the table and column).
    public var type: DataType?
    /// Whether the source allows NULL.
    public var nullable: Bool

    /// Creates a column.
    public init(name: String, sourceType: String, type: DataType?, nullable: Bool = true) {
        self.name = name
        self.sourceType = sourceType
        self.type = type
        self.nullable = nullable
    }
}

/// A table found by reflection.
public struct SourceTable: Sendable, Equatable {
    /// The schema (PostgreSQL, MariaDB database); nil for SQLite.
    public var schema: String?
    /// The table name as the source spells it.
    public var name: String
    /// Its columns in table order.
    public var columns: [SourceColumn]
    /// Its primary key columns, in key order (empty when it has none).
    public var primaryKey: [String]

    /// Creates a table.
    public init(schema: String?, name: String, columns: [SourceColumn], primaryKey: [String] = []) {
        self.schema = schema
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
    }
}

/// A bound parameter of a query (`:name` in the SQL, a value from the manifest's `params`).
public enum SQLParameter: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case text(String)

    /// The parameter for a manifest value; objects and arrays are passed as their JSON text.
    public init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(Int64(number))
        case .double(let number): self = .double(number)
        case .string(let text): self = .text(text)
        default: self = .text(value.jsonText)
        }
    }

    /// The value as text (how PostgreSQL and MariaDB receive it; the server casts it by context).
    public var text: String? {
        switch self {
        case .null: return nil
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .text(let text): return text
        }
    }
}

/// A statement with positional parameters in the source's own placeholder style.
public struct SourceStatement: Sendable, Equatable {
    /// The SQL, placeholders already in the dialect's style (`$1`, `?`).
    public var sql: String
    /// The values, in placeholder order.
    public var parameters: [SQLParameter]

    /// Creates a statement.
    public init(sql: String, parameters: [SQLParameter] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

/// Rows of one statement, read as the source streams them (never the whole result in memory).
public protocol SourceCursor: AnyObject {
    /// The result's columns, known before the first row.
    var columns: [SourceColumn] { get }
    /// Appends up to `maxRows` rows to `batch` (`width == columns.count`); returns false once the result is
    /// exhausted (a last call may still have appended rows).
    func next(into batch: inout RowBatch, maxRows: Int) throws(SQLSourceError) -> Bool
    /// Stops reading early and frees the result; never fails. Called at most once; `next` is not called after.
    func close()
}

/// A connection to a SQL source, used from one thread at a time.
public protocol SQLSource: AnyObject {
    /// `postgres`, `sqlite` or `mysql`, for messages and statistics.
    var dialect: String { get }
    /// The schema tables are found in when the manifest names none (`public`, the connected database, `main`).
    var defaultSchema: String? { get }
    /// The names of the base tables of `schema` (nil: the default), sorted.
    func tables(schema: String?) throws(SQLSourceError) -> [String]
    /// The table's columns and primary key; nil when there is no such table.
    func describe(table: String, schema: String?) throws(SQLSourceError) -> SourceTable?
    /// Runs `statement` and returns a cursor over its rows.
    func query(_ statement: SourceStatement) throws(SQLSourceError) -> any SourceCursor
    /// How a column is selected (`"name"`, or a conversion such as `to_json("tags")` for a type read as json).
    func selectExpression(_ column: SourceColumn) -> String
    /// `name` quoted as an identifier of this dialect.
    func quote(_ name: String) -> String
    /// The placeholder of the `index`-th parameter (1-based): `$1`, `?`.
    func placeholder(_ index: Int) -> String
    /// Closes the connection; never fails.
    func close()
}

/// Why reading a source failed, with a message that names the table (and column) but no secret.
public struct SQLSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure it is, for the run's error taxonomy and `partial_success`.
    public enum Kind: String, Sendable {
        /// The server refused the login.
        case auth
        /// The server cannot be reached, or the connection was lost.
        case connectivity
        /// The table or a column does not exist.
        case missingTable = "missing_table"
        /// The server refused the statement (syntax, permissions).
        case query
        /// A value or a type dltaf cannot read.
        case data
        /// The client library is not installed.
        case dependency
    }

    /// What kind of failure it is.
    public var kind: Kind
    /// For people: names the table and column; free of secrets.
    public var message: String
    /// Whether the same read may succeed later (a lost connection).
    public var retryable: Bool

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, retryable: Bool = false) {
        self.kind = kind
        self.message = message
        self.retryable = retryable
    }

    public var description: String { message }
}

extension SQLSource {
    /// The column, quoted.
    public func selectExpression(_ column: SourceColumn) -> String { quote(column.name) }
}
