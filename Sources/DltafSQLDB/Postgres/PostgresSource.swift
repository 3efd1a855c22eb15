import CDltafClients
import DltafLoad

/// A PostgreSQL database as a `sqldb` source: reflection from pg_catalog, reads through a server-side cursor
/// (`FETCH` in batches, in one read-only repeatable-read transaction, so a table is read from one snapshot and
/// never whole into memory), and `COPY … TO STDOUT` for the PostgreSQL → PostgreSQL pass-through.
public final class PostgresSource: SQLSource {
    public let dialect = "postgres"
    public let defaultSchema: String? = "public"
    let session: PostgresSession

    /// Connects.
    ///
    /// - Throws: `auth` for a refused login, `connectivity` when the server cannot be reached, `dependency`
    ///   when libpq is not installed.
    public init(
        host: String, port: Int, user: String, password: String?, database: String, connectTimeoutSeconds: Int = 10
    ) throws(SQLSourceError) {
        var parameters = [
            ("host", host), ("port", String(port)), ("user", user), ("dbname", database),
            ("connect_timeout", String(max(1, connectTimeoutSeconds))), ("application_name", "dltaf sqldb"),
        ]
        if let password { parameters.append(("password", password)) }
        session = try PostgresSession(parameters: parameters, password: password)
    }

    public func tables(schema: String?) throws(SQLSourceError) -> [String] {
        try session.exec(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1
            """, [schema ?? "public"], "listing the tables of schema \(schema ?? "public")"
        ).compactMap { $0.first ?? nil }
    }

    public func describe(table: String, schema: String?) throws(SQLSourceError) -> SourceTable? {
        let schema = schema ?? "public"
        let rows = try session.exec(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), bt.oid::int8, \
            CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END, a.attnotnull, bt.typcategory, \
            bt.typtype FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
            JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid \
            JOIN pg_type bt ON bt.oid = COALESCE(NULLIF(t.typbasetype, 0), t.oid) \
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 \
            AND NOT a.attisdropped ORDER BY a.attnum
            """, [schema, table], "reflecting table \(schema).\(table)")
        guard !rows.isEmpty else { return nil }
        var columns: [SourceColumn] = []
        for row in rows {
            let name = row[0] ?? ""
            let mapping = PostgresTypes.mapping(
                oid: UInt32(row[2] ?? "") ?? 0, modifier: Int32(row[3] ?? "") ?? -1, category: row[5], kind: row[6])
            var column = SourceColumn(
                name: name, sourceType: row[1] ?? "?", type: mapping.type, nullable: row[4] != "t")
            if mapping.asJSON { column.sourceType += " (as json)" }
            columns.append(column)
        }
        let key = try session.exec(
            """
            SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
            JOIN pg_namespace n ON n.oid = c.relnamespace \
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) \
            WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary \
            ORDER BY array_position(i.indkey::int2[], a.attnum)
            """, [schema, table], "reading the primary key of \(schema).\(table)"
        ).compactMap { $0.first ?? nil }
        return SourceTable(schema: schema, name: table, columns: columns, primaryKey: key)
    }

    public func selectExpression(_ column: SourceColumn) -> String {
        column.sourceType.hasSuffix(" (as json)") ? "to_json(\(quote(column.name)))" : quote(column.name)
    }

    public func query(_ statement: SourceStatement) throws(SQLSourceError) -> any SourceCursor {
        let (sql, columns) = try prepared(statement.sql)
        // COPY streams (and takes no parameters); a cursor serves statements with parameters.
        if statement.parameters.isEmpty { return try PostgresCopyCursor(session: session, sql: sql, columns: columns) }
        try session.exec(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [], "starting the read transaction")
        do {
            try session.exec(
                "DECLARE dltaf_cursor NO SCROLL CURSOR FOR \(sql)", statement.parameters.map(\.text),
                "running the query")
        } catch {
            _ = try? session.exec("ROLLBACK", [], "ending the read transaction")
            throw error
        }
        return PostgresCursor(session: session, columns: columns)
    }

    /// The result columns of a statement without parameters, and the SQL `copyRows` runs for it.
    public func describeForCopy(_ statement: SourceStatement) throws(SQLSourceError) -> (
        sql: String, columns: [SourceColumn]
    ) {
        try prepared(statement.sql)
    }

    /// Runs `sql` (from `describeForCopy`) as `COPY (…) TO STDOUT` and hands each row, in COPY text with its
    /// newline, to `body`, which returns false to stop (and gives up the connection).
    public func copyRows(_ sql: String, binary: Bool = false, _ body: (UnsafeRawBufferPointer) -> Bool)
        throws(SQLSourceError)
    {
        try session.copyOut(
            "COPY (\(sql)) TO STDOUT\(binary ? " (FORMAT binary)" : "")", "copying the rows", body)
    }

    /// The statement of a binary pass-through: `sql`'s columns cast to the destination's types, then `loadID`
    /// as the last column, so the stream is exactly what the destination's binary COPY takes. Nil when the
    /// result has two columns of one name (a subquery could not tell them apart).
    public func binaryCopyStatement(_ sql: String, columns: [SourceColumn], loadID: String) -> String? {
        guard Set(columns.map(\.name)).count == columns.count else { return nil }
        let casts = columns.map { column in
            // A cast to the type the column already has still runs per value for numeric(p,s): left out.
            let target = (column.type ?? .text).postgresType
            let reference = "dltaf_copy.\(quote(column.name))"
            return column.sourceType == target ? reference : "\(reference)::\(target)"
        }
        let literal = "'" + loadID.replacing("'", with: "''") + "'::text"
        return "SELECT \(casts.joined(separator: ", ")), \(literal) FROM (\(sql)) AS dltaf_copy"
    }

    /// The result columns of `sql`, and the SQL to run: wrapped to select arrays through `to_json`.
    func prepared(_ sql: String) throws(SQLSourceError) -> (String, [SourceColumn]) {
        let fields = try session.describe(sql, "describing the query")
        let unknown = Array(Set(fields.map(\.type).filter { !PostgresTypes.isKnown($0) }))
        var facts: [UInt32: (name: String, category: String?, kind: String?)] = [:]
        if !unknown.isEmpty {
            let list = "{" + unknown.map(String.init).joined(separator: ",") + "}"
            for row in try session.exec(
                "SELECT oid::int8, format_type(oid, NULL), typcategory, typtype FROM pg_type WHERE oid = ANY($1::oid[])",
                [list], "looking up the result's types")
            {
                if let oid = UInt32(row[0] ?? "") { facts[oid] = (row[1] ?? "?", row[2], row[3]) }
            }
        }
        var columns: [SourceColumn] = []
        var wrap = false
        for field in fields {
            let fact = facts[field.type]
            let mapping = PostgresTypes.mapping(
                oid: field.type, modifier: field.modifier, category: fact?.category, kind: fact?.kind)
            wrap = wrap || mapping.asJSON
            columns.append(
                SourceColumn(
                    name: field.name, sourceType: fact?.name ?? Self.typeName(field.type), type: mapping.type))
        }
        guard wrap, Set(columns.map(\.name)).count == columns.count else { return (sql, columns) }
        let list = zip(fields, columns).map { field, column in
            let reference = "dltaf_query." + quote(column.name)
            let json = PostgresTypes.mapping(
                oid: field.type, modifier: field.modifier, category: facts[field.type]?.category,
                kind: facts[field.type]?.kind
            ).asJSON
            return json ? "to_json(\(reference)) AS \(quote(column.name))" : reference
        }
        return ("SELECT \(list.joined(separator: ", ")) FROM (\(sql)) AS dltaf_query", columns)
    }

    private static func typeName(_ oid: UInt32) -> String {
        switch oid {
        case 20: return "bigint"
        case 21: return "smallint"
        case 23: return "integer"
        case 700: return "real"
        case 701: return "double precision"
        case 1700: return "numeric"
        case 16: return "boolean"
        case 25: return "text"
        case 1043: return "character varying"
        case 1082: return "date"
        case 1114: return "timestamp without time zone"
        case 1184: return "timestamp with time zone"
        case 114: return "json"
        case 3802: return "jsonb"
        case 17: return "bytea"
        default: return "oid \(oid)"
        }
    }

    public func quote(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

    public func placeholder(_ index: Int) -> String { "$\(index)" }

    public func close() { session.close() }
}

/// Rows of `dltaf_cursor`, fetched in batches.
final class PostgresCursor: SourceCursor {
    let columns: [SourceColumn]
    private let session: PostgresSession
    private let types: [DataType]
    private var open = true

    init(session: PostgresSession, columns: [SourceColumn]) {
        self.session = session
        self.columns = columns
        types = columns.map { $0.type ?? .text }
    }

    func next(into batch: inout RowBatch, maxRows: Int) throws(SQLSourceError) -> Bool {
        guard open else { return false }
        let result = try session.execResult(
            "FETCH FORWARD \(max(1, maxRows)) FROM dltaf_cursor", [], "reading rows")
        defer { dltaf_pq_clear(result) }
        guard let result else { return false }
        let rows = Int(dltaf_pq_ntuples(result))
        for row in 0..<rows {
            for column in types.indices {
                guard let value = dltaf_pq_value(result, Int32(row), Int32(column)) else {
                    batch.appendNull()
                    continue
                }
                let count = Int(dltaf_pq_length(result, Int32(row), Int32(column)))
                let bytes = UnsafeRawBufferPointer(start: value, count: count)
                guard PostgresText.append(bytes, as: types[column], into: &batch) else {
                    batch.dropPartialRow()
                    let text = String(cString: value)
                    throw SQLSourceError(
                        .data,
                        "column \(columns[column].name) (\(columns[column].sourceType)): the value "
                            + "\"\(text.prefix(40))\" cannot be loaded as \(types[column])")
                }
            }
        }
        return rows >= maxRows
    }

    func close() {
        guard open else { return }
        open = false
        _ = try? session.exec("CLOSE dltaf_cursor; COMMIT", [], "ending the read transaction")
    }
}
