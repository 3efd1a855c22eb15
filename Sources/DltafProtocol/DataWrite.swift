public import DltafJSON

/// The formats of a `data/write` file.
public enum DataFileFormat: String, Sendable, CaseIterable {
    /// One JSON object per line, keys are column names.
    case ndjson
    /// RFC 4180, first line the column names, UTF-8.
    case csv
}

/// The rows of one `data/write`: inline, or in a file inside the spool folder.
public enum DataBatch: Sendable, Equatable {
    /// `rows: {columns, values}`: each inner array is one row, in `columns` order.
    case rows(columns: [String], values: [[JSONValue]])
    /// `file: {path, format}`: a regular file directly inside `spool_dir`, deleted by the host once loaded.
    case file(path: String, format: DataFileFormat)
}

/// The `data/write` request's params: rows for an open stream (PROTOCOL.md §8.2,
/// `protocol/schema/data.write.params.json`).
public struct DataWriteParams: Sendable, Equatable {
    /// The stream's name.
    public var stream: String
    /// The rows.
    public var batch: DataBatch

    /// Creates write params.
    public init(stream: String, batch: DataBatch) {
        self.stream = stream
        self.batch = batch
    }

    /// The JSON form.
    public var json: JSONValue {
        switch batch {
        case .rows(let columns, let values):
            return [
                "stream": .string(stream),
                "rows": [
                    "columns": .array(columns.map { .string($0) }), "values": .array(values.map { .array($0) }),
                ],
            ]
        case .file(let path, let format):
            return ["stream": .string(stream), "file": ["path": .string(path), "format": .string(format.rawValue)]]
        }
    }

    /// Reads the JSON form: `stream`, and exactly one of `rows` and `file`. Whether each row is as wide as
    /// `columns` is the host's check (error `bad_rows`), not the message's.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/write params", json)
        stream = try reader.name("stream")
        switch (try reader.nested("rows"), try reader.nested("file")) {
        case (let rows?, nil):
            guard let columns = try rows.strings("columns") else {
                throw ProtocolViolation("\(rows.what): \"columns\" is required (a list of strings)")
            }
            var values: [[JSONValue]] = []
            for row in try rows.array("values") ?? [] {
                guard let cells = row.arrayValue else {
                    throw ProtocolViolation(
                        "\(rows.what): each of \"values\" must be a list, got \(row.typeDescription)")
                }
                values.append(cells)
            }
            batch = .rows(columns: columns, values: values)
        case (nil, let file?):
            guard let format = try file.choice("format", DataFileFormat.self) else {
                throw ProtocolViolation("\(file.what): \"format\" is required (ndjson or csv)")
            }
            batch = .file(path: try file.name("path"), format: format)
        default:
            throw ProtocolViolation("\(reader.what): exactly one of \"rows\" and \"file\" is required")
        }
    }
}

/// The `data/write` answer (`protocol/schema/data.write.result.json`).
public struct DataWriteResult: Sendable, Equatable {
    /// Rows accepted by this write.
    public var rows: Int

    /// Creates a write answer.
    public init(rows: Int) {
        self.rows = rows
    }

    /// The JSON form.
    public var json: JSONValue { ["rows": .int(rows)] }

    /// Reads the JSON form.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/write result", json)
        guard let count = try reader.int("rows") else {
            throw ProtocolViolation("\(reader.what): \"rows\" is required (an integer)")
        }
        rows = count
    }
}
