import DltafLoad

/// A MariaDB or MySQL database as a source of the `sqldb` runner, through libmariadb (`libmariadb.so.3`, opened
/// with `dlopen` on first use).
///
/// Statements are prepared on the server and their parameters bound as text; rows stream from the network one at
/// a time (nothing is buffered). The session uses utf8mb4 and the time zone UTC. How types map to loader types
/// is in `MariaDBTypes`. Used from one thread at a time, one statement at a time: a query (or reflection) while a
/// cursor is still open ends that cursor, whose `next` then throws.
public final class MariaDBSource: SQLSource {
    public let dialect = "mysql"
    /// The connected database.
    public let defaultSchema: String?
    private let connection: MariaDBConnection

    /// Connects over TCP to `host` (the library's default socket when `host` is `localhost`).
    ///
    /// - Throws: `auth` when the server refuses the login, `connectivity` (retryable) when it cannot be reached,
    ///   `missingTable` when `database` does not exist, `dependency` when libmariadb is not installed.
    public init(
        host: String, port: Int = 3306, user: String, password: String, database: String,
        connectTimeoutSeconds: Int = 10
    ) throws(SQLSourceError) {
        connection = try MariaDBConnection(
            host: host, port: port, user: user, password: password, database: database.isEmpty ? nil : database,
            connectTimeoutSeconds: connectTimeoutSeconds)
        defaultSchema = database.isEmpty ? nil : database
    }

    public func tables(schema: String?) throws(SQLSourceError) -> [String] {
        let schema = try resolved(schema)
        // MariaDB lists system-versioned tables with their own type; they are base tables all the same.
        let statement = SourceStatement(
            sql: """
                SELECT TABLE_NAME FROM information_schema.TABLES
                WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
                """,
            parameters: [.text(schema)])
        let rows = try connection.rows(statement, "listing the tables of \(quote(schema))")
        return rows.compactMap { $0.first ?? nil }.sorted()
    }

    public func describe(table: String, schema: String?) throws(SQLSourceError) -> SourceTable? {
        let schema = try resolved(schema)
        let what = "describing \(quote(schema)).\(quote(table))"
        let key: [SQLParameter] = [.text(schema), .text(table)]
        // information_schema compares names without regard to case; the exact spelling is kept in Swift.
        let rows = try connection.rows(
            SourceStatement(
                sql: """
                    SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION,
                        NUMERIC_SCALE
                    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
                    ORDER BY ORDINAL_POSITION
                    """, parameters: key), what
        ).filter { $0[0] == table }
        guard !rows.isEmpty else { return nil }
        let longText = rows.contains { $0[2]?.lowercased() == "longtext" }
        let json = longText ? try jsonColumns(key, what) : []
        let columns = rows.map { row in
            let name = row[1] ?? ""
            let type = MariaDBTypes.catalogType(
                dataType: row[2] ?? "", columnType: row[3] ?? "", precision: row[5].flatMap { Int($0) },
                scale: row[6].flatMap { Int($0) }, json: json.contains(name))
            return SourceColumn(name: name, sourceType: row[3] ?? "", type: type, nullable: row[4] == "YES")
        }
        let primaryKey = try connection.rows(
            SourceStatement(
                sql: """
                    SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
                    WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'
                    ORDER BY ORDINAL_POSITION
                    """, parameters: key), what
        ).filter { $0[0] == table }.compactMap { $0[1] }
        return SourceTable(schema: schema, name: table, columns: columns, primaryKey: primaryKey)
    }

    public func query(_ statement: SourceStatement) throws(SQLSourceError) -> any SourceCursor {
        let result = try connection.query(statement, "query \"\(MariaDBText.excerpt(statement.sql))\"")
        return MariaDBCursor(result: result)
    }

    /// `name` in backticks, backticks doubled.
    public func quote(_ name: String) -> String { MariaDBText.quote(name) }

    /// `?`: MySQL's placeholders are positional.
    public func placeholder(_ index: Int) -> String { "?" }

    public func close() { connection.close() }

    /// The columns MariaDB's `JSON` alias made: LONGTEXT with a `json_valid` check on the column alone. MySQL,
    /// whose JSON is a type of its own, has no `TABLE_NAME` in `CHECK_CONSTRAINTS`: none there.
    private func jsonColumns(_ key: [SQLParameter], _ what: String) throws(SQLSourceError) -> Set<String> {
        let rows: [[String?]]
        do {
            rows = try connection.rows(
                SourceStatement(
                    sql: """
                        SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
                        WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?
                        """, parameters: key), what)
        } catch {
            guard error.kind == .missingTable else { throw error }
            return []
        }
        var names = Set<String>()
        for row in rows {
            guard let clause = row[1], clause.hasPrefix("json_valid(`"), clause.hasSuffix("`)") else { continue }
            let quoted = String(clause.dropFirst("json_valid(".count).dropLast())
            let name = String(quoted.dropFirst().dropLast()).replacing("``", with: "`")
            if quote(name) == quoted { names.insert(name) }
        }
        return names
    }

    private func resolved(_ schema: String?) throws(SQLSourceError) -> String {
        guard let schema = schema ?? defaultSchema else {
            throw SQLSourceError(.missingTable, "mysql: no database was named and the connection has none")
        }
        return schema
    }
}
