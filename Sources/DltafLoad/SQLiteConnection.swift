import CDltafClients
import DltafProtocol

/// A read-write SQLite connection through libsqlite3 (opened with `dlopen`), used from one thread at a time.
final class SQLiteConnection {
    private var handle: UnsafeMutableRawPointer?

    /// Opens (creating) `path`.
    init(path: String, busyTimeoutMilliseconds: Int) throws(LoadError) {
        var opened: UnsafeMutableRawPointer?
        var buffer = [CChar](repeating: 0, count: Int(DLTAF_CLIENT_ERROR_SIZE))
        let kind = dltaf_lite_open(path, Int32(clamping: busyTimeoutMilliseconds), &opened, &buffer)
        guard kind == DLTAF_CLIENT_OK, let opened else {
            let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if kind == DLTAF_CLIENT_LIBRARY_MISSING {
                throw LoadError(.destinationFailed, LibraryMessage.missing("libsqlite3.so.0", "libsqlite3-0", detail))
            }
            throw LoadError(.destinationFailed, "sqlite: \(detail)", retryable: true)
        }
        handle = opened
    }

    deinit { close() }

    /// Runs statements without results.
    func exec(_ sql: String, _ what: @autoclosure () -> String) throws(LoadError) {
        let database = try open()
        let code = dltaf_lite_exec(database, sql)
        guard code == DLTAF_LITE_OK else { throw failure(code, what()) }
    }

    /// A prepared statement.
    func prepare(_ sql: String, _ what: @autoclosure () -> String) throws(LoadError) -> SQLiteStatement {
        let database = try open()
        var statement: UnsafeMutableRawPointer?
        let code = dltaf_lite_prepare(database, sql, &statement)
        guard code == DLTAF_LITE_OK, let statement else { throw failure(code, what()) }
        return SQLiteStatement(statement)
    }

    /// Rows changed by the last statement.
    var changes: Int { handle.map { Int(dltaf_lite_changes($0)) } ?? 0 }

    /// The error for `code`: `destination_failed`, retryable for busy, locked, I/O and full-disk errors.
    func failure(_ code: Int32, _ what: String) -> LoadError {
        let detail = handle.flatMap { dltaf_lite_errmsg($0).map { String(cString: $0) } } ?? "connection closed"
        let primary = code & 0xFF
        let transient: Set<Int32> = [5, 6, 10, 13, 14, 15]
        return LoadError(.destinationFailed, "sqlite: \(what): \(detail)", retryable: transient.contains(primary))
    }

    /// Closes the connection (statements must be finalized first).
    func close() {
        if let handle { dltaf_lite_close(handle) }
        handle = nil
    }

    private func open() throws(LoadError) -> UnsafeMutableRawPointer {
        guard let handle else { throw LoadError(.destinationFailed, "sqlite: the connection is closed") }
        return handle
    }
}

/// A prepared statement; finalized on deinit.
final class SQLiteStatement {
    let handle: UnsafeMutableRawPointer

    init(_ handle: UnsafeMutableRawPointer) { self.handle = handle }

    deinit { dltaf_lite_finalize(handle) }

    /// Binds a cell at a 1-based index; returns the SQLite code.
    @inline(__always)
    func bind(_ cell: Cell, at index: Int32) -> Int32 {
        switch cell {
        case .null: return dltaf_lite_bind_null(handle, index)
        case .int(let value): return dltaf_lite_bind_int64(handle, index, value)
        case .double(let value): return dltaf_lite_bind_double(handle, index, value)
        case .bool(let value): return dltaf_lite_bind_int64(handle, index, value ? 1 : 0)
        case .text(let value): return bind(text: value, at: index)
        case .bytes(let value):
            return value.withUnsafeBytes { dltaf_lite_bind_blob(handle, index, $0.baseAddress, Int32($0.count)) }
        }
    }

    /// Binds text by length, so an embedded NUL is stored, not a cut.
    @inline(__always)
    func bind(text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            let start = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return dltaf_lite_bind_text(handle, index, start, Int32(bytes.count))
        }
    }

    /// Steps once; returns the SQLite code (`DLTAF_LITE_ROW`, `DLTAF_LITE_DONE`, or an error).
    @inline(__always)
    func step() -> Int32 { dltaf_lite_step(handle) }

    /// Makes the statement reusable (bindings are overwritten by the next row).
    @inline(__always)
    func reset() { dltaf_lite_reset(handle) }

    /// Column `index` (0-based) as text; nil for NULL.
    func text(_ index: Int32) -> String? {
        guard dltaf_lite_column_type(handle, index) != DLTAF_LITE_NULL else { return nil }
        var length: Int32 = 0
        guard let bytes = dltaf_lite_column_bytes(handle, index, &length) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(length)), as: UTF8.self)
    }

    /// Column `index` as raw bytes; nil for NULL.
    func bytes(_ index: Int32) -> [UInt8]? {
        guard dltaf_lite_column_type(handle, index) != DLTAF_LITE_NULL else { return nil }
        var length: Int32 = 0
        guard let bytes = dltaf_lite_column_bytes(handle, index, &length) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: Int(length)))
    }

    /// Column `index` as an integer.
    func int(_ index: Int32) -> Int64 { dltaf_lite_column_int64(handle, index) }

    /// The number of result columns.
    var columnCount: Int32 { dltaf_lite_column_count(handle) }

    /// Column `index`'s SQLite type (`DLTAF_LITE_INTEGER`, ...).
    func type(_ index: Int32) -> Int32 { dltaf_lite_column_type(handle, index) }
}

/// The `dependency_missing:` text of DltafClients, for the loader's own libraries.
enum LibraryMessage {
    static func missing(_ soname: String, _ package: String, _ detail: String) -> String {
        let what =
            detail.hasPrefix(soname) && detail != soname ? "\(detail): unusable \(soname)" : "\(soname) not found"
        return "dependency_missing: \(what) (install Debian package \(package))"
    }
}
