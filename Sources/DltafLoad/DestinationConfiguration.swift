/// Where a session writes.
public enum DestinationConfiguration: Sendable {
    /// An SQLite file (one file per dataset; tables unprefixed).
    case sqlite(SQLiteConfiguration)
    /// A PostgreSQL database; the dataset is a schema.
    case postgres(PostgresConfiguration)

    /// `sqlite` or `postgres`.
    public var name: String {
        switch self {
        case .sqlite: return "sqlite"
        case .postgres: return "postgres"
        }
    }
}

/// An SQLite destination.
public struct SQLiteConfiguration: Sendable {
    /// The database file, created when missing.
    public var path: String
    /// How long to wait for another connection's lock.
    public var busyTimeoutMilliseconds: Int
    /// `synchronous=FULL` (default): each checkpoint's commit is on disk before it is answered, also across a
    /// power loss. `false` gives `NORMAL`: safe against crashes of the process, but a power loss may undo the
    /// last checkpoints.
    public var synchronousFull: Bool

    /// Creates a configuration.
    public init(path: String, busyTimeoutMilliseconds: Int = 5000, synchronousFull: Bool = true) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.synchronousFull = synchronousFull
    }

    /// The file of `dataset` in `folder`: `<folder>/<normalised dataset>.sqlite`.
    public static func file(folder: String, dataset: String) -> String {
        (folder.hasSuffix("/") ? folder : folder + "/") + NameNormalizer.normalize(dataset) + ".sqlite"
    }
}

/// A PostgreSQL destination, given by keyword/value parts (never a connection string, so nothing in it is
/// parsed or echoed).
public struct PostgresConfiguration: Sendable {
    /// Host name, address or socket folder.
    public var host: String
    /// Port.
    public var port: Int
    /// User.
    public var user: String
    /// Password; never appears in messages.
    public var password: String?
    /// Database.
    public var database: String
    /// The dataset: the schema tables go to (normalised, created when missing).
    public var dataset: String
    /// libpq's `connect_timeout`.
    public var connectTimeoutSeconds: Int
    /// More libpq keywords (`sslmode`, `sslrootcert`, ...).
    public var options: [String: String]

    /// Creates a configuration.
    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String, dataset: String,
        connectTimeoutSeconds: Int = 10, options: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.dataset = dataset
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.options = options
    }

    /// The keyword/value pairs for libpq: UTF-8, UTC (timestamps without a zone are UTC), warnings only.
    var parameters: [(String, String)] {
        var pairs: [(String, String)] = [
            ("host", host), ("port", String(port)), ("user", user), ("dbname", database),
            ("connect_timeout", String(connectTimeoutSeconds)), ("client_encoding", "UTF8"),
            ("application_name", "dltaf"), ("options", "-c TimeZone=UTC -c client_min_messages=warning"),
        ]
        if let password { pairs.append(("password", password)) }
        for key in options.keys.sorted() where !pairs.contains(where: { $0.0 == key }) {
            if let value = options[key] { pairs.append((key, value)) }
        }
        return pairs
    }
}
