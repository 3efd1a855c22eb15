import Foundation

/// The source database of a `sqldb` run, from the variables the secrets resolver writes for `connections.source`
/// (`SOURCES__SQL_DATABASE__CREDENTIALS__*`, or the same names in dltaf's environment). The driver name picks the
/// dialect, as SQLAlchemy's does: `postgresql[+driver]`, `sqlite`, `mysql[+driver]` / `mariadb[+driver]`.
public enum SourceConnection {
    /// The variables' common prefix.
    public static let prefix = "SOURCES__SQL_DATABASE__CREDENTIALS__"

    /// Dialects this build cannot read (they need their vendors' client libraries): a runner plugin serves them.
    public static let unsupportedDialects: Set<String> = ["oracle", "mssql"]

    /// The dialect a driver name stands for (`postgresql+psycopg2` → `postgres`).
    public static func dialect(driver: String) -> String {
        let name = driver.lowercased().split(separator: "+").first.map(String.init) ?? ""
        switch name {
        case "postgresql", "postgres", "pgsql", "psycopg2", "psycopg": return "postgres"
        case "sqlite", "sqlite3": return "sqlite"
        case "mysql", "mariadb": return "mysql"
        case "oracle", "oracledb", "cx_oracle": return "oracle"
        case "mssql", "sqlserver", "pyodbc", "pymssql": return "mssql"
        default: return name
        }
    }

    /// Opens the source described by `variables`; a relative SQLite path starts from `directory`.
    ///
    /// - Throws: `dependency` for a dialect this build does not read, `connectivity` or `auth` when the
    ///   connection fails.
    public static func open(_ variables: [String: String], directory: String) throws(SQLSourceError) -> any SQLSource {
        let value = { (key: String) in variables[prefix + key].flatMap { $0.isEmpty ? nil : $0 } }
        guard let driver = value("DRIVERNAME") else {
            throw SQLSourceError(
                .dependency,
                "no source connection: set connections.source (kind postgres, sqlite or mysql) or \(prefix)DRIVERNAME")
        }
        let dialect = dialect(driver: driver)
        switch dialect {
        case "postgres":
            guard let host = value("HOST"), let database = value("DATABASE") else {
                throw SQLSourceError(.dependency, "the PostgreSQL source needs host and database")
            }
            return try PostgresSource(
                host: host, port: value("PORT").flatMap(Int.init) ?? 5432, user: value("USERNAME") ?? "",
                password: value("PASSWORD"), database: database)
        case "sqlite":
            guard let file = value("DATABASE") else {
                throw SQLSourceError(.dependency, "the SQLite source needs database (the file's path)")
            }
            let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            return try SQLiteSource(path: path)
        case "mysql":
            return try openMySQL(value)
        default:
            throw SQLSourceError(
                .dependency,
                "\(dialect) sources are not supported by this build of dltaf's sqldb runner (it reads PostgreSQL, "
                    + "SQLite and MySQL/MariaDB): use a runner plugin for \(dialect)")
        }
    }
}
