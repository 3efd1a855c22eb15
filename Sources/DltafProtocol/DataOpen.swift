public import DltafJSON

/// How a stream's rows meet the rows already in its table (`data/open`'s `write_disposition`).
public enum WriteDisposition: String, Sendable, CaseIterable {
    /// Add the rows.
    case append
    /// Swap in a table of the new rows when the run succeeds.
    case replace
    /// Update rows by primary key, insert the rest.
    case merge
}

/// The column types of `data/open`'s `columns` (PROTOCOL.md §8.2).
public enum DataColumnType: String, Sendable, CaseIterable {
    case bigint, double, decimal, text, bool, date, json, binary
    /// A timestamp with time zone.
    case timestamp
}

/// One declared column of a stream.
public struct DataColumn: Sendable, Equatable {
    /// The column's name (normalised by the host, §8.4).
    public var name: String
    /// Its type.
    public var type: DataColumnType
    /// Whether it may hold null (the host's default when absent).
    public var nullable: Bool?
    /// A decimal's digits.
    public var precision: Int?
    /// A decimal's digits after the point.
    public var scale: Int?

    /// Creates a column.
    public init(name: String, type: DataColumnType, nullable: Bool? = nil, precision: Int? = nil, scale: Int? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.precision = precision
        self.scale = scale
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["name": .string(name), "type": .string(type.rawValue)]
        if let nullable { object["nullable"] = .bool(nullable) }
        if let precision { object["precision"] = .int(precision) }
        if let scale { object["scale"] = .int(scale) }
        return .object(object)
    }

    /// Reads the JSON form; `name` and `type` are required.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/open params.columns[]", json)
        name = try reader.name("name")
        guard let parsed = try reader.choice("type", DataColumnType.self) else {
            throw ProtocolViolation("\(reader.what): column \"\(name)\" needs a \"type\"")
        }
        type = parsed
        nullable = try reader.bool("nullable")
        precision = try reader.int("precision")
        scale = try reader.int("scale")
    }
}

/// The `data/open` request's params: declare a stream once per run (PROTOCOL.md §8.2,
/// `protocol/schema/data.open.params.json`).
public struct DataOpenParams: Sendable, Equatable {
    /// The stream's name.
    public var stream: String
    /// The table (the stream's name, normalised, when absent).
    public var table: String?
    /// Declared columns; the others are inferred from the first values written.
    public var columns: [DataColumn]?
    /// The primary key's column names (required for `merge`).
    public var primaryKey: [String]?
    /// The run's (`context.write_disposition`) when absent.
    public var writeDisposition: WriteDisposition?

    /// Creates open params.
    public init(
        stream: String, table: String? = nil, columns: [DataColumn]? = nil, primaryKey: [String]? = nil,
        writeDisposition: WriteDisposition? = nil
    ) {
        self.stream = stream
        self.table = table
        self.columns = columns
        self.primaryKey = primaryKey
        self.writeDisposition = writeDisposition
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["stream": .string(stream)]
        if let table { object["table"] = .string(table) }
        if let columns { object["columns"] = .array(columns.map(\.json)) }
        if let primaryKey { object["primary_key"] = .array(primaryKey.map { .string($0) }) }
        if let writeDisposition { object["write_disposition"] = .string(writeDisposition.rawValue) }
        return .object(object)
    }

    /// Reads the JSON form; `stream` is required.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/open params", json)
        stream = try reader.name("stream")
        table = try reader.string("table")
        if let items = try reader.array("columns") {
            var declared: [DataColumn] = []
            for item in items { declared.append(try DataColumn(json: item)) }
            columns = declared
        } else {
            columns = nil
        }
        primaryKey = try reader.strings("primary_key")
        writeDisposition = try reader.choice("write_disposition", WriteDisposition.self)
    }
}

/// The `data/open` answer (`protocol/schema/data.open.result.json`).
public struct DataOpenResult: Sendable, Equatable {
    /// The stream's name.
    public var stream: String
    /// The table its rows go to.
    public var table: String
    /// The stream's last committed state (`null` when none).
    public var state: JSONValue

    /// Creates an open answer.
    public init(stream: String, table: String, state: JSONValue = .null) {
        self.stream = stream
        self.table = table
        self.state = state
    }

    /// The JSON form.
    public var json: JSONValue {
        ["stream": .string(stream), "table": .string(table), "state": state]
    }

    /// Reads the JSON form.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/open result", json)
        stream = try reader.name("stream")
        table = try reader.name("table")
        state = reader.value("state") ?? .null
    }
}
