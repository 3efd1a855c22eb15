import CDltafClients

/// A libmariadb connection (opened with `dlopen`), used from one thread at a time. It runs one statement at a
/// time, since MySQL's protocol cannot interleave them: starting one frees the result still open on it, whose
/// reader then gets an error rather than a short result.
final class MariaDBConnection {
    private var handle: UnsafeMutableRawPointer?
    /// Texts removed from every message (the password), in case a server or the library ever echoes one.
    private let secrets: [String]
    /// The statement whose rows are still streaming in.
    private weak var active: MariaDBResult?

    /// Connects and sets the session up (utf8mb4, time zone UTC).
    init(
        host: String, port: Int, user: String, password: String, database: String?, connectTimeoutSeconds: Int
    ) throws(SQLSourceError) {
        secrets = password.isEmpty ? [] : [password]
        guard let port = UInt32(exactly: port), port <= 65_535 else {
            throw SQLSourceError(.connectivity, "mysql: port \(port) is not a TCP port")
        }
        let timeout = UInt32(clamping: max(connectTimeoutSeconds, 1))
        var opened: UnsafeMutableRawPointer?
        var error = dltaf_my_error()
        let kind = dltaf_my_open(host, port, user, password, database, timeout, &opened, &error)
        guard kind == DLTAF_CLIENT_OK, let opened else {
            throw failure(error, "\(user)@\(host):\(port)")
        }
        handle = opened
    }

    deinit { close() }

    /// Runs a statement without results.
    func exec(_ sql: String, _ what: @autoclosure () -> String) throws(SQLSourceError) {
        let connection = try open()
        var error = dltaf_my_error()
        var sql = sql
        let kind = sql.withUTF8 { text in
            text.withMemoryRebound(to: CChar.self) { dltaf_my_exec(connection, $0.baseAddress, UInt($0.count), &error) }
        }
        guard kind == DLTAF_CLIENT_OK else { throw failure(error, what()) }
    }

    /// Prepares and executes `statement` on the server; its rows stream in through the result.
    func query(_ statement: SourceStatement, _ what: String) throws(SQLSourceError) -> MariaDBResult {
        let connection = try open()
        var error = dltaf_my_error()
        var cursor: UnsafeMutableRawPointer?
        let texts = statement.parameters.map(\.text)
        let kind = Self.withParameters(texts) { values, lengths in
            var sql = statement.sql
            return sql.withUTF8 { text in
                text.withMemoryRebound(to: CChar.self) {
                    dltaf_my_query(
                        connection, $0.baseAddress, UInt($0.count), Int32(texts.count), values, lengths, &cursor,
                        &error)
                }
            }
        }
        guard kind == DLTAF_CLIENT_OK, let cursor else { throw failure(error, what) }
        let result = MariaDBResult(cursor: cursor, connection: self, what: what)
        active = result
        return result
    }

    /// Runs a small statement and returns all its rows as text (nil for NULL), for reflection.
    func rows(_ statement: SourceStatement, _ what: String) throws(SQLSourceError) -> [[String?]] {
        let result = try query(statement, what)
        defer { result.close() }
        var rows: [[String?]] = []
        while try result.fetch() {
            rows.append((0..<result.columns.count).map { result.text($0) })
        }
        return rows
    }

    /// Closes the connection (and the statement still open on it).
    func close() {
        active?.interrupt()
        if let handle { dltaf_my_close(handle) }
        handle = nil
    }

    /// The error for a failed call, naming `what`, free of the password.
    func failure(_ error: dltaf_my_error, _ what: String) -> SQLSourceError {
        MariaDBErrors.error(error, what, secrets: secrets)
    }

    private func open() throws(SQLSourceError) -> UnsafeMutableRawPointer {
        active?.interrupt()
        guard let handle else { throw SQLSourceError(.connectivity, "mysql: the connection is closed") }
        return handle
    }

    /// Calls `body` with C copies of the parameters (NULL for SQL NULL) and their byte counts.
    private static func withParameters<Result>(
        _ texts: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UInt>?) -> Result
    ) -> Result {
        let copies: [[CChar]?] = texts.map { $0.map { Array($0.utf8CString) } }
        let lengths: [UInt] = texts.map { UInt($0?.utf8.count ?? 0) }
        var pointers: [UnsafeMutablePointer<CChar>?] = copies.map { copy in
            guard let copy else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: copy.count)
            pointer.initialize(from: copy, count: copy.count)
            return pointer
        }
        defer {
            for pointer in pointers { pointer?.deallocate() }
        }
        if pointers.isEmpty { pointers.append(nil) }
        let constant = pointers.map { $0.map { UnsafePointer($0) } }
        return constant.withUnsafeBufferPointer { values in
            lengths.withUnsafeBufferPointer { body(values.baseAddress, $0.baseAddress) }
        }
    }
}
