import CDltafClients
import DltafJSON
import DltafLoad

#if canImport(Glibc)
    import Glibc
#endif

/// A SQLite file as a `sqldb` source, opened read-only: reflection from `sqlite_schema` and `pragma_table_info`,
/// rows stepped one by one into the batch (SQLite never holds a result in memory).
public final class SQLiteSource: SQLSource {
    public let dialect = "sqlite"
    public let defaultSchema: String? = "main"
    private var handle: UnsafeMutableRawPointer?
    private let path: String

    /// Opens `path` read-only.
    ///
    /// - Throws: `connectivity` when the file does not exist or is not a database, `dependency` without libsqlite3.
    public init(path: String) throws(SQLSourceError) {
        self.path = path
        var opened: UnsafeMutableRawPointer?
        var buffer = [CChar](repeating: 0, count: Int(DLTAF_CLIENT_ERROR_SIZE))
        let kind = dltaf_lite_open_readonly(path, 5000, &opened, &buffer)
        guard kind == DLTAF_CLIENT_OK, let opened else {
            let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if kind == DLTAF_CLIENT_LIBRARY_MISSING {
                throw SQLSourceError(.dependency, "sqlite: \(detail); install Debian package libsqlite3-0")
            }
            throw SQLSourceError(.connectivity, "sqlite: \(path): \(detail)")
        }
        handle = opened
    }

    deinit { close() }

    public func tables(schema: String?) throws(SQLSourceError) -> [String] {
        let statement = try prepare(
            "SELECT name FROM \(quote(schema ?? "main")).sqlite_schema WHERE type = 'table' "
                + "AND name NOT LIKE 'sqlite_%' ORDER BY name", "listing the tables")
        var names: [String] = []
        while try statement.step("listing the tables") { names.append(statement.text(0) ?? "") }
        return names
    }

    public func describe(table: String, schema: String?) throws(SQLSourceError) -> SourceTable? {
        let statement = try prepare(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1, ?2)", "reflecting table \(table)")
        statement.bind(.text(table), at: 1)
        statement.bind(.text(schema ?? "main"), at: 2)
        var columns: [SourceColumn] = []
        var key: [(Int64, String)] = []
        while try statement.step("reflecting table \(table)") {
            let name = statement.text(0) ?? ""
            let declared = statement.text(1) ?? ""
            columns.append(
                SourceColumn(
                    name: name, sourceType: declared.isEmpty ? "(no type)" : declared,
                    type: SQLiteTypes.type(declared: declared), nullable: statement.int(2) == 0))
            if statement.int(3) > 0 { key.append((statement.int(3), name)) }
        }
        guard !columns.isEmpty else { return nil }
        return SourceTable(
            schema: schema, name: table, columns: columns, primaryKey: key.sorted { $0.0 < $1.0 }.map(\.1))
    }

    public func query(_ statement: SourceStatement) throws(SQLSourceError) -> any SourceCursor {
        let prepared = try prepare(statement.sql, "preparing the query")
        for (index, parameter) in statement.parameters.enumerated() { prepared.bind(parameter, at: Int32(index + 1)) }
        let columns = (0..<prepared.columnCount).map { column in
            let declared = prepared.declaredType(column)
            return SourceColumn(
                name: prepared.name(column), sourceType: declared ?? "(expression)",
                type: declared.map { SQLiteTypes.type(declared: $0) } ?? .text)
        }
        return SQLiteCursor(statement: prepared, columns: columns)
    }

    public func quote(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

    public func placeholder(_ index: Int) -> String { "?\(index)" }

    public func close() {
        if let handle { dltaf_lite_close(handle) }
        handle = nil
    }

    private func prepare(_ sql: String, _ what: String) throws(SQLSourceError) -> SQLiteReadStatement {
        guard let handle else { throw SQLSourceError(.connectivity, "sqlite: \(path): the source is closed") }
        var statement: UnsafeMutableRawPointer?
        let code = dltaf_lite_prepare(handle, sql, &statement)
        guard code == DLTAF_LITE_OK, let statement else { throw SQLiteReadStatement.failure(handle, code, what) }
        return SQLiteReadStatement(statement, database: handle)
    }
}

/// A prepared statement of the source; finalized on deinit.
final class SQLiteReadStatement {
    let handle: UnsafeMutableRawPointer
    private let database: UnsafeMutableRawPointer

    init(_ handle: UnsafeMutableRawPointer, database: UnsafeMutableRawPointer) {
        self.handle = handle
        self.database = database
    }

    deinit { dltaf_lite_finalize(handle) }

    func bind(_ parameter: SQLParameter, at index: Int32) {
        switch parameter {
        case .null: _ = dltaf_lite_bind_null(handle, index)
        case .int(let value): _ = dltaf_lite_bind_int64(handle, index, value)
        case .double(let value): _ = dltaf_lite_bind_double(handle, index, value)
        case .bool(let value): _ = dltaf_lite_bind_int64(handle, index, value ? 1 : 0)
        case .text(var text):
            _ = text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    dltaf_lite_bind_text(handle, index, $0.baseAddress, Int32($0.count))
                }
            }
        }
    }

    /// Steps; true when a row is ready.
    func step(_ what: @autoclosure () -> String) throws(SQLSourceError) -> Bool {
        let code = dltaf_lite_step(handle)
        if code == DLTAF_LITE_ROW { return true }
        if code == DLTAF_LITE_DONE { return false }
        throw Self.failure(database, code, what())
    }

    var columnCount: Int32 { dltaf_lite_column_count(handle) }
    func name(_ column: Int32) -> String { dltaf_lite_column_name(handle, column).map { String(cString: $0) } ?? "" }
    func declaredType(_ column: Int32) -> String? {
        dltaf_lite_column_decltype(handle, column).map { String(cString: $0) }
    }
    func type(_ column: Int32) -> Int { Int(dltaf_lite_column_type(handle, column)) }
    func int(_ column: Int32) -> Int64 { dltaf_lite_column_int64(handle, column) }
    func double(_ column: Int32) -> Double { dltaf_lite_column_double(handle, column) }

    /// The text or blob bytes of a column, valid until the next step.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        var length: Int32 = 0
        let start = dltaf_lite_column_bytes(handle, column, &length)
        return UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : Int(length))
    }

    func text(_ column: Int32) -> String? {
        type(column) == DLTAF_LITE_NULL ? nil : String(decoding: bytes(column), as: UTF8.self)
    }

    /// `missing_table` for "no such table/column", `connectivity` for busy or I/O errors, else `query`.
    static func failure(_ database: UnsafeMutableRawPointer, _ code: Int32, _ what: String) -> SQLSourceError {
        let detail = dltaf_lite_errmsg(database).map { String(cString: $0) } ?? "error \(code)"
        let primary = code & 0xFF
        let kind: SQLSourceError.Kind =
            detail.hasPrefix("no such table") || detail.hasPrefix("no such column")
            ? .missingTable : [5, 6, 10, 14].contains(primary) ? .connectivity : .query
        return SQLSourceError(kind, "sqlite: \(what): \(detail)", retryable: kind == .connectivity)
    }
}
