import CDltafClients

/// What a libmariadb failure means for the run: the kind of failure, whether retrying may help, and a message
/// that names what was being done and holds no secret.
enum MariaDBErrors {
    /// The error for a failed call: its kind from the MySQL error number, the message naming `what`, with the
    /// error number and SQLSTATE, every text of `secrets` (the password) replaced by `***`.
    static func error(_ error: dltaf_my_error, _ what: String, secrets: [String]) -> SQLSourceError {
        var detail = MariaDBText.string(error.message)
        for secret in secrets where !secret.isEmpty { detail = detail.replacing(secret, with: "***") }
        if error.kind == DLTAF_CLIENT_LIBRARY_MISSING {
            return SQLSourceError(
                .dependency,
                "mysql: \(detail) could not be loaded: install libmariadb3 (Debian) or another MariaDB Connector/C "
                    + "that provides libmariadb.so.3")
        }
        let state = MariaDBText.string(error.sqlstate)
        let code = error.code == 0 ? "" : state.isEmpty ? " [\(error.code)]" : " [\(error.code), SQLSTATE \(state)]"
        let (kind, retryable) = classify(error.code)
        return SQLSourceError(kind, "mysql: \(what): \(detail)\(code)", retryable: retryable)
    }

    /// The kind and retryability of error `code` (0: none known, e.g. a parameter count refused locally).
    ///
    /// | codes | kind |
    /// |---|---|
    /// | 1044 database access denied, 1045 access denied, 1698 access denied (unix_socket) | `auth` |
    /// | 2002 socket, 2003 TCP, 2005 unknown host, 2006 server gone, 2013 lost during a query, 2055 lost (system error); 1053 shutdown, 1927 connection killed | `connectivity`, retryable |
    /// | 1146 no such table, 1049 no such database, 1054 no such column | `missingTable` |
    /// | 1205 lock wait timeout, 1213 deadlock | `query`, retryable |
    /// | 1064 syntax, and every other error | `query` |
    static func classify(_ code: UInt32) -> (SQLSourceError.Kind, retryable: Bool) {
        switch code {
        case 1044, 1045, 1698: return (.auth, false)
        case 2002, 2003, 2005, 2006, 2013, 2055, 1053, 1927: return (.connectivity, true)
        case 1146, 1049, 1054: return (.missingTable, false)
        case 1205, 1213: return (.query, true)
        default: return (.query, false)
        }
    }
}
