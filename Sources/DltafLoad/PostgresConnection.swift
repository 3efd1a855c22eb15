import CDltafClients
import DltafProtocol

/// A libpq connection (opened with `dlopen`) for the loader, used from one thread at a time.
final class PostgresConnection {
    private var handle: UnsafeMutableRawPointer?
    /// Ends the COPY in progress (set by the sink that started it): any other statement must wait for its end.
    var pendingCopy: (() throws(LoadError) -> Void)?
    /// Texts removed from every message (the password), in case a server or libpq ever echoes one.
    private let secrets: [String]

    /// Connects with keyword/value pairs, never parsed as a connection string.
    init(parameters: [(String, String)], secrets: [String]) throws(LoadError) {
        self.secrets = secrets.filter { !$0.isEmpty }
        var opened: UnsafeMutableRawPointer?
        var error = dltaf_pq_error()
        let kind = LibPQ.open(parameters, &opened, &error)
        guard kind == DLTAF_CLIENT_OK, let opened else {
            if kind == DLTAF_CLIENT_LIBRARY_MISSING {
                throw LoadError(
                    .destinationFailed, LibraryMessage.missing("libpq.so.5", "libpq5", CStrings.text(error.message)))
            }
            throw failure(error, "postgres")
        }
        handle = opened
    }

    deinit { close() }

    /// Runs a statement with text parameters (nil is NULL); returns its rows as text.
    @discardableResult
    func exec(_ sql: String, _ parameters: [String?] = [], _ what: @autoclosure () -> String) throws(LoadError)
        -> [[String?]]
    {
        try endPendingCopy()
        let connection = try open()
        var error = dltaf_pq_error()
        var result: UnsafeMutableRawPointer?
        let kind = CStrings.withOptional(parameters) { values in
            dltaf_pq_exec(connection, sql, Int32(parameters.count), values, &result, &error)
        }
        guard kind == DLTAF_CLIENT_OK else { throw failure(error, what()) }
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

    /// Starts `COPY ... FROM STDIN`.
    func copyStart(_ sql: String, _ what: @autoclosure () -> String) throws(LoadError) {
        try endPendingCopy()
        let connection = try open()
        var error = dltaf_pq_error()
        guard dltaf_pq_copy_start(connection, sql, &error) == DLTAF_CLIENT_OK else { throw failure(error, what()) }
    }

    /// Sends COPY bytes.
    func copyPut(_ bytes: [UInt8], _ what: @autoclosure () -> String) throws(LoadError) {
        let connection = try open()
        var error = dltaf_pq_error()
        let kind = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                dltaf_pq_copy_put(connection, $0.baseAddress, Int32($0.count), &error)
            }
        }
        guard kind == DLTAF_CLIENT_OK else { throw failure(error, what()) }
    }

    /// Ends the COPY; returns the rows the server loaded.
    @discardableResult
    func copyEnd(_ what: @autoclosure () -> String) throws(LoadError) -> Int {
        let connection = try open()
        var error = dltaf_pq_error()
        var rows: Int64 = 0
        guard dltaf_pq_copy_end(connection, nil, &rows, &error) == DLTAF_CLIENT_OK else {
            throw failure(error, what())
        }
        return Int(rows)
    }

    /// Aborts a COPY in progress, ignoring failures (the transaction is rolled back next).
    func copyAbort() {
        guard let handle else { return }
        var error = dltaf_pq_error()
        var rows: Int64 = 0
        _ = dltaf_pq_copy_end(handle, "aborted by dltaf", &rows, &error)
    }

    private func endPendingCopy() throws(LoadError) {
        guard let end = pendingCopy else { return }
        pendingCopy = nil
        try end()
    }

    /// Closes the connection.
    func close() {
        if let handle { dltaf_pq_close(handle) }
        handle = nil
    }

    /// `destination_failed`; retryable when the connection is gone or the server says the condition is
    /// transient (SQLSTATE classes 08 connection, 40 rollback, 53 resources, 57 operator intervention, 58 system).
    private func failure(_ error: dltaf_pq_error, _ what: String) -> LoadError {
        var detail = CStrings.text(error.message)
        for secret in secrets { detail = detail.replacing(secret, with: "***") }
        let state = CStrings.text(error.sqlstate)
        let transient = ["08", "40", "53", "57", "58"].contains(String(state.prefix(2)))
        let code = state.isEmpty ? "" : " [SQLSTATE \(state)]"
        return LoadError(
            .destinationFailed, "postgres: \(what): \(detail)\(code)",
            retryable: error.connection_lost != 0 || transient)
    }

    private func open() throws(LoadError) -> UnsafeMutableRawPointer {
        guard let handle else { throw LoadError(.destinationFailed, "postgres: the connection is closed") }
        return handle
    }
}

/// The libpq connect call shared by the loader's connection and the sqldb source's.
package enum LibPQ {
    /// Connects with keyword/value pairs through `dltaf_pq_open` (never parsed as a connection string); returns
    /// its `DLTAF_CLIENT_*` kind, with `connection` set on success and `error` filled otherwise.
    package static func open(
        _ parameters: [(String, String)], _ connection: inout UnsafeMutableRawPointer?, _ error: inout dltaf_pq_error
    ) -> Int32 {
        var opened: UnsafeMutableRawPointer?
        var failure = dltaf_pq_error()
        let kind = CStrings.with(parameters.map(\.0)) { keywords in
            CStrings.with(parameters.map(\.1)) { values in dltaf_pq_open(keywords, values, &opened, &failure) }
        }
        connection = opened
        error = failure
        return kind
    }
}
