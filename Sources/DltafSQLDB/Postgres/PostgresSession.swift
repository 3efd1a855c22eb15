import CDltafClients
import DltafLoad

/// A libpq connection of the PostgreSQL source (opened with `dlopen`), used from one thread at a time: statements
/// with text parameters, statement descriptions and `COPY … TO STDOUT`.
final class PostgresSession {
    private var handle: UnsafeMutableRawPointer?
    /// Removed from every message, in case a server or libpq ever echoes it.
    private let password: String?

    /// The connection's parameters, kept to connect again after a COPY was abandoned (which ends the connection).
    private let parameters: [(String, String)]

    /// Connects with keyword/value pairs (never parsed as a connection string) and sets the session up for
    /// reading: UTF-8, ISO dates in UTC, doubles with every digit, bytea in hex.
    init(parameters: [(String, String)], password: String?) throws(SQLSourceError) {
        self.password = password.flatMap { $0.isEmpty ? nil : $0 }
        self.parameters = parameters
        try connect()
    }

    private func connect() throws(SQLSourceError) {
        var opened: UnsafeMutableRawPointer?
        var error = dltaf_pq_error()
        let kind = LibPQ.open(parameters, &opened, &error)
        guard kind == DLTAF_CLIENT_OK, let opened else {
            if kind == DLTAF_CLIENT_LIBRARY_MISSING {
                throw SQLSourceError(
                    .dependency,
                    "postgres: libpq.so.5 not found (\(CStrings.text(error.message))); install Debian package libpq5")
            }
            throw failure(error, "connecting to the source")
        }
        handle = opened
        try exec(
            "SET client_encoding TO 'UTF8'; SET DateStyle TO 'ISO, YMD'; SET TimeZone TO 'UTC'; "
                + "SET extra_float_digits TO 3; SET bytea_output TO 'hex'; SET IntervalStyle TO 'iso_8601'", [],
            "setting up the source session")
    }

    deinit { close() }

    /// Runs a statement with text parameters (nil is NULL); returns its rows as text (for catalog queries).
    @discardableResult
    func exec(_ sql: String, _ parameters: [String?] = [], _ what: @autoclosure () -> String) throws(SQLSourceError)
        -> [[String?]]
    {
        let result = try execResult(sql, parameters, what())
        defer { dltaf_pq_clear(result) }
        guard let result else { return [] }
        let rows = Int(dltaf_pq_ntuples(result))
        let width = Int(dltaf_pq_nfields(result))
        return (0..<rows).map { row in
            (0..<width).map { column in
                dltaf_pq_value(result, Int32(row), Int32(column)).map { String(cString: $0) }
            }
        }
    }

    /// Runs a statement and returns its raw result (free it with `dltaf_pq_clear`), for reads that take values
    /// in place.
    func execResult(_ sql: String, _ parameters: [String?], _ what: @autoclosure () -> String)
        throws(SQLSourceError) -> UnsafeMutableRawPointer?
    {
        let connection = try open()
        var error = dltaf_pq_error()
        var result: UnsafeMutableRawPointer?
        let kind = CStrings.withOptional(parameters) { values in
            dltaf_pq_exec(connection, sql, Int32(parameters.count), values, &result, &error)
        }
        guard kind == DLTAF_CLIENT_OK else { throw failure(error, what()) }
        return result
    }

    /// The result columns of `sql` (name, type oid, type modifier), without running it.
    func describe(_ sql: String, _ what: @autoclosure () -> String) throws(SQLSourceError)
        -> [(name: String, type: UInt32, modifier: Int32)]
    {
        let connection = try open()
        var error = dltaf_pq_error()
        var result: UnsafeMutableRawPointer?
        guard dltaf_pq_describe(connection, sql, &result, &error) == DLTAF_CLIENT_OK, let result else {
            throw failure(error, what())
        }
        defer { dltaf_pq_clear(result) }
        return (0..<dltaf_pq_nfields(result)).map { column in
            (
                dltaf_pq_fname(result, column).map { String(cString: $0) } ?? "?column?",
                dltaf_pq_ftype(result, column), dltaf_pq_fmod(result, column)
            )
        }
    }

    /// Runs `COPY (…) TO STDOUT` and hands each row (its bytes, newline included) to `body`; `body` returns false
    /// to stop early, which ends the connection's usefulness (the COPY is abandoned with the connection).
    func copyOut(_ sql: String, _ what: @autoclosure () -> String, _ body: (UnsafeRawBufferPointer) -> Bool)
        throws(SQLSourceError)
    {
        let connection = try open()
        var error = dltaf_pq_error()
        guard dltaf_pq_copy_out_start(connection, sql, &error) == DLTAF_CLIENT_OK else { throw failure(error, what()) }
        while true {
            var row: UnsafeMutablePointer<CChar>?
            var length: Int32 = 0
            guard dltaf_pq_copy_get(connection, &row, &length, &error) == DLTAF_CLIENT_OK else {
                throw failure(error, what())
            }
            guard length > 0, let row else { return }
            let more = body(UnsafeRawBufferPointer(start: row, count: Int(length)))
            dltaf_pq_freemem(row)
            if !more {
                close()
                return
            }
        }
    }

    /// Starts `COPY … TO STDOUT` for reading with `copyNext`.
    func copyStart(_ sql: String, _ what: @autoclosure () -> String) throws(SQLSourceError) {
        let connection = try open()
        var error = dltaf_pq_error()
        guard dltaf_pq_copy_out_start(connection, sql, &error) == DLTAF_CLIENT_OK else { throw failure(error, what()) }
    }

    /// The next row of the COPY started with `copyStart` (free it with `dltaf_pq_freemem`), nil at its end.
    func copyNext(_ what: @autoclosure () -> String) throws(SQLSourceError) -> UnsafeRawBufferPointer? {
        let connection = try open()
        var error = dltaf_pq_error()
        var row: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        guard dltaf_pq_copy_get(connection, &row, &length, &error) == DLTAF_CLIENT_OK else {
            throw failure(error, what())
        }
        guard length > 0, let row else { return nil }
        return UnsafeRawBufferPointer(start: row, count: Int(length))
    }

    /// Closes the connection.
    func close() {
        if let handle { dltaf_pq_close(handle) }
        handle = nil
    }

    /// The source error for a libpq failure, by SQLSTATE class: 28 (and 3D: no such database) is the login,
    /// 08 and a lost connection connectivity (retryable), 42P01/42703 a missing table or column, 22 data.
    func failure(_ error: dltaf_pq_error, _ what: String) -> SQLSourceError {
        var detail = CStrings.text(error.message)
        if let password { detail = detail.replacing(password, with: "***") }
        let state = CStrings.text(error.sqlstate)
        let message = "postgres: \(what): \(detail)" + (state.isEmpty ? "" : " [SQLSTATE \(state)]")
        let kind: SQLSourceError.Kind
        switch state.prefix(2) {
        case "28", "3D": kind = .auth
        case "08", "57", "53": kind = .connectivity
        case "22": kind = .data
        case _ where state == "42P01" || state == "42703" || state == "3F000": kind = .missingTable
        case _ where state.isEmpty && (error.connection_lost != 0 || error.kind == DLTAF_CLIENT_TRANSPORT):
            // libpq's own failures (refused, unknown host, password rejected before a SQLSTATE) have no code.
            kind =
                detail.contains("password authentication failed") || detail.contains("authentication")
                ? .auth : .connectivity
        default: kind = .query
        }
        return SQLSourceError(kind, message, retryable: kind == .connectivity)
    }

    /// The connection, connecting again when a COPY stopped early ended the last one.
    private func open() throws(SQLSourceError) -> UnsafeMutableRawPointer {
        if handle == nil { try connect() }
        guard let handle else {
            throw SQLSourceError(.connectivity, "postgres: the source connection is closed", retryable: true)
        }
        return handle
    }
}
