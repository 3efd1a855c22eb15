import CDltafClients

/// The rows of one prepared statement as libmariadb streams them, one row at a time, with the columns the
/// server described. Freed by `close()` (or when released), which drops the rows not read.
final class MariaDBResult {
    /// The columns as the server describes them.
    let columns: [dltaf_my_column]
    /// What the statement is, for messages.
    let what: String
    private var cursor: UnsafeMutableRawPointer?
    private unowned let connection: MariaDBConnection
    /// Set when the connection freed the statement before its end (another statement, or closing).
    private var interrupted = false

    init(cursor: UnsafeMutableRawPointer, connection: MariaDBConnection, what: String) {
        self.cursor = cursor
        self.connection = connection
        self.what = what
        columns = (0..<dltaf_my_column_count(cursor)).map { index in
            var column = dltaf_my_column()
            dltaf_my_column_info(cursor, index, &column)
            return column
        }
    }

    deinit { close() }

    /// Reads the next row; false at the end (or once closed by its reader).
    func fetch() throws(SQLSourceError) -> Bool {
        guard let cursor else {
            guard !interrupted else {
                throw SQLSourceError(
                    .query, "mysql: \(what): another statement ran on the connection before all rows were read")
            }
            return false
        }
        var error = dltaf_my_error()
        switch dltaf_my_fetch(cursor, &error) {
        case 1: return true
        case 0: return false
        default: throw connection.failure(error, what)
        }
    }

    /// The bytes of column `index` of the current row (as its `bound` says); nil for NULL. Valid until the next
    /// fetch.
    @inline(__always)
    func value(_ index: Int) -> UnsafeRawBufferPointer? {
        guard let cursor else { return nil }
        var bytes: UnsafeRawPointer?
        var length: UInt = 0
        guard dltaf_my_value(cursor, UInt32(index), &bytes, &length) == 0, let bytes else { return nil }
        return UnsafeRawBufferPointer(start: bytes, count: Int(length))
    }

    /// Column `index` of the current row as text (numbers in their decimal form); nil for NULL.
    func text(_ index: Int) -> String? {
        guard let bytes = value(index) else { return nil }
        switch Int(columns[index].bound) {
        case Int(DLTAF_MY_BOUND_INT64): return String(bytes.loadUnaligned(as: Int64.self))
        case Int(DLTAF_MY_BOUND_UINT64): return String(bytes.loadUnaligned(as: UInt64.self))
        case Int(DLTAF_MY_BOUND_FLOAT): return String(bytes.loadUnaligned(as: Float.self))
        case Int(DLTAF_MY_BOUND_DOUBLE): return String(bytes.loadUnaligned(as: Double.self))
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Frees the statement on behalf of the connection: reading on fails rather than seeming to end.
    func interrupt() {
        if cursor != nil { interrupted = true }
        close()
    }

    /// Frees the statement; the connection takes statements again.
    func close() {
        if let cursor { dltaf_my_cursor_close(cursor) }
        cursor = nil
    }
}
