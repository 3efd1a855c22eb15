import CDltafClients

/// What a database probe found: whether it could connect and query, how fast, and what answered.
public struct DatabaseProbeResult: Sendable {
    /// Connected and the query succeeded.
    public var ok: Bool
    /// Connect plus query, in milliseconds (also set when the probe failed).
    public var latencyMilliseconds: Double
    /// The server's version (PostgreSQL) or the library's (SQLite).
    public var version: String?
    /// `SELECT count(*) FROM sqlite_master` (SQLite only).
    public var schemaObjects: Int?
    /// Why it failed; secrets already removed.
    public var error: DatabaseProbeError?

    /// Creates a result.
    public init(
        ok: Bool, latencyMilliseconds: Double, version: String? = nil, schemaObjects: Int? = nil,
        error: DatabaseProbeError? = nil
    ) {
        self.ok = ok
        self.latencyMilliseconds = latencyMilliseconds
        self.version = version
        self.schemaObjects = schemaObjects
        self.error = error
    }
}

/// Why a database probe failed. The message never holds a password or a connection string.
public struct DatabaseProbeError: Error, Sendable, CustomStringConvertible {
    /// The family of the failure.
    public enum Kind: String, Sendable {
        /// The client library is not installed; `message` is the `dependency_missing: ...` text.
        case libraryMissing = "dependency_missing"
        /// Could not connect or open (refused, authentication, unreadable file).
        case connection
        /// The deadline passed (or, for SQLite, the database stayed locked).
        case timeout
        /// Connected, but the query failed (for SQLite: not a database, corrupt).
        case query
        /// The parameters were refused before any work.
        case invalidInput = "invalid_input"
        /// The calling task was cancelled.
        case cancelled
    }

    /// The family of the failure.
    public var kind: Kind
    /// What happened, for people.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message; for a missing library it already starts with `dependency_missing:`.
    public var description: String { kind == .libraryMissing ? message : "\(kind.rawValue): \(message)" }

    /// Maps a C error kind and text.
    static func from(kind: Int32, text: String, library: ClientLibrary) -> DatabaseProbeError {
        switch Int(kind) {
        case Int(DLTAF_CLIENT_LIBRARY_MISSING):
            return DatabaseProbeError(
                kind: .libraryMissing, message: ClientLibrary.missingMessage(library, detail: text))
        case Int(DLTAF_CLIENT_TIMEOUT): return DatabaseProbeError(kind: .timeout, message: text)
        case Int(DLTAF_CLIENT_QUERY): return DatabaseProbeError(kind: .query, message: text)
        case Int(DLTAF_CLIENT_INVALID_INPUT): return DatabaseProbeError(kind: .invalidInput, message: text)
        case Int(DLTAF_CLIENT_CANCELLED): return DatabaseProbeError(kind: .cancelled, message: text)
        default: return DatabaseProbeError(kind: .connection, message: text)
        }
    }
}
