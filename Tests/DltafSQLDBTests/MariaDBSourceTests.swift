import CDltafClients
import DltafLoad
import DltafTestSupport
import Testing

@testable import DltafSQLDB

/// The MariaDB source against a real server (one for the suite, see `MariaDBTestServer`).
@Suite(.serialized, .mariaDB) struct MariaDBSourceTests {
    @Test func reflectionListsBaseTablesSortedAndDescribesColumnsAndKeys() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            """
            CREATE TABLE reflect_orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(40) NOT NULL,
                total DECIMAL(12,2), placed DATETIME(3), paid BOOL, doc JSON);
            CREATE TABLE reflect_lines (order_id BIGINT NOT NULL, line INT NOT NULL, sku CHAR(8),
                PRIMARY KEY (order_id, line));
            CREATE TABLE `Reflect Odd``name` (x INT);
            CREATE VIEW reflect_view AS SELECT id FROM reflect_orders;
            """)
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        #expect(source.dialect == "mysql")
        #expect(source.defaultSchema == server.database)
        let tables = try source.tables(schema: nil).filter { $0.lowercased().hasPrefix("reflect") }
        #expect(tables == ["Reflect Odd`name", "reflect_lines", "reflect_orders"])
        #expect(try source.tables(schema: server.database) == source.tables(schema: nil))

        let orders = try #require(try source.describe(table: "reflect_orders", schema: nil))
        #expect(orders.schema == server.database)
        #expect(orders.primaryKey == ["id"])
        #expect(orders.columns.map(\.name) == ["id", "customer", "total", "placed", "paid", "doc"])
        #expect(
            orders.columns.map(\.type) == [
                .bigint, .text, .decimal(precision: 12, scale: 2), .timestamp, .bool, .json,
            ])
        #expect(orders.columns.map(\.nullable) == [false, false, true, true, true, true])
        #expect(orders.columns[2].sourceType == "decimal(12,2)")

        let lines = try #require(try source.describe(table: "reflect_lines", schema: server.database))
        #expect(lines.primaryKey == ["order_id", "line"])
        let odd = try #require(try source.describe(table: "Reflect Odd`name", schema: nil))
        #expect(odd.columns.map(\.name) == ["x"])
        #expect(odd.primaryKey.isEmpty)

        #expect(try source.describe(table: "no_such_table", schema: nil) == nil)
        // Names are exact: information_schema's case-insensitive match is not taken for the table.
        #expect(try source.describe(table: "REFLECT_ORDERS", schema: nil) == nil)
        #expect(try source.describe(table: "reflect_orders", schema: "no_such_database") == nil)
        #expect(source.quote("a`b") == "`a``b`")
        #expect(source.placeholder(3) == "?")
    }

    @Test func everyCommonTypeReadsBackValueByValue() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            """
            CREATE TABLE everything (id INT PRIMARY KEY, flag TINYINT(1), tiny TINYINT, small SMALLINT UNSIGNED,
                medium MEDIUMINT, num INT, big BIGINT, ubig BIGINT UNSIGNED, yr YEAR, f FLOAT, d DOUBLE,
                amount DECIMAL(38,9), ch CHAR(3), vc VARCHAR(100), tx TEXT, en ENUM('red','green'), st SET('a','b'),
                tm TIME(3), bin BINARY(4), vb VARBINARY(10), bl BLOB, bt BIT(10), dt DATE, dtm DATETIME(6),
                ts TIMESTAMP(3) NULL, doc JSON);
            SET time_zone = '+02:00';
            INSERT INTO everything VALUES
                (1, 1, -128, 65535, -8388608, 2147483647, -9223372036854775808, 18446744073709551615, 2024, 0.1,
                 2.718281828459045, '-12345678901234567890123456789.123456789', 'abc', 'héllo 😀 wörld',
                 'two\\nlines', 'green', 'a,b', '-12:34:56.789', x'00FF0102', x'00FF', x'00FF00FF00', b'1000000001',
                 '2026-01-02', '2026-01-02 03:04:05.123456', '2026-01-02 05:04:05.120', '{"a": [1, 2, {"b": null}]}'),
                (2, 0, 0, 0, 0, 0, 0, 0, 1901, -1.5, -0.0, '0.000000001', '', '', '', 'red', '', '00:00:00', x'00000000',
                 x'', x'', b'0', '1000-01-01', '9999-12-31 23:59:59.999999', '1970-01-01 02:00:01', '[]'),
                (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """)
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let expectedTypes: [DataType?] = [
            .bigint, .bool, .bigint, .bigint, .bigint, .bigint, .bigint, .decimal(precision: 20, scale: 0), .bigint,
            .double, .double, .decimal(precision: 38, scale: 9), .text, .text, .text, .text, .text, .text, .binary,
            .binary, .binary, .binary, .date, .timestamp, .timestamp, .json,
        ]
        // information_schema and the result's metadata agree (describing first: a statement ends the open cursor).
        let described = try #require(try source.describe(table: "everything", schema: nil))
        #expect(described.columns.map(\.type) == expectedTypes)
        let cursor = try source.query(SourceStatement(sql: "SELECT * FROM everything ORDER BY id"))
        #expect(cursor.columns.map(\.type) == expectedTypes)
        #expect(described.columns.map(\.name) == cursor.columns.map(\.name))

        let rows = try readAll(cursor, batchSize: 2)
        try #require(rows.count == 3)
        let first: [Value] = [
            .int(1), .bool(true), .int(-128), .int(65535), .int(-8_388_608), .int(2_147_483_647), .int(Int64.min),
            .text("18446744073709551615"), .int(2024), .double(0.1), .double(2.718281828459045),
            .text("-12345678901234567890123456789.123456789"), .text("abc"), .text("héllo 😀 wörld"),
            .text("two\nlines"), .text("green"), .text("a,b"), .text("-12:34:56.789"), .bytes([0, 255, 1, 2]),
            .bytes([0, 255]), .bytes([0, 255, 0, 255, 0]), .bytes([0x02, 0x01]), .text("2026-01-02"),
            .text("2026-01-02T03:04:05.123456Z"), .text("2026-01-02T03:04:05.120Z"),
            .text(#"{"a": [1, 2, {"b": null}]}"#),
        ]
        let second: [Value] = [
            .int(2), .bool(false), .int(0), .int(0), .int(0), .int(0), .int(0), .text("0"), .int(1901),
            .double(-1.5), .double(-0.0), .text("0.000000001"), .text(""), .text(""), .text(""), .text("red"),
            .text(""), .text("00:00:00.000"), .bytes([0, 0, 0, 0]), .bytes([]), .bytes([]), .bytes([0, 0]),
            .text("1000-01-01"), .text("9999-12-31T23:59:59.999999Z"), .text("1970-01-01T00:00:01.000Z"),
            .text("[]"),
        ]
        for (index, (got, want)) in zip(rows[0], first).enumerated() {
            #expect(got == want, "row 1, column \(cursor.columns[index].name)")
        }
        for (index, (got, want)) in zip(rows[1], second).enumerated() {
            #expect(got == want, "row 2, column \(cursor.columns[index].name)")
        }
        #expect(rows[2] == [.int(3)] + Array(repeating: .null, count: 25))
    }

    @Test func boundParametersIncludingNull() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            """
            CREATE TABLE params (id INT PRIMARY KEY, name VARCHAR(20), note VARCHAR(20));
            INSERT INTO params VALUES (1, 'a', 'x'), (2, 'b', NULL), (3, 'b', 'y'), (4, 'b', NULL), (5, 'c', 'z');
            """)
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let sql = "SELECT id, note FROM params WHERE id >= \(source.placeholder(1)) AND name = \(source.placeholder(2))"
        let matching = try readAll(
            source.query(SourceStatement(sql: sql + " ORDER BY id", parameters: [.int(3), .text("b")])))
        #expect(matching == [[.int(3), .text("y")], [.int(4), .null]])
        // A NULL parameter is SQL NULL: `<=>` matches it, `=` matches nothing.
        let nullSafe = try readAll(
            source.query(
                SourceStatement(sql: "SELECT id FROM params WHERE note <=> ? ORDER BY id", parameters: [.null])))
        #expect(nullSafe == [[.int(2)], [.int(4)]])
        let plain = try readAll(
            source.query(SourceStatement(sql: "SELECT id FROM params WHERE note = ?", parameters: [.null])))
        #expect(plain.isEmpty)
        let echoed = try readAll(
            source.query(
                SourceStatement(
                    sql: "SELECT ? AS a, ? AS b, ? AS c, ? IS NULL AS d",
                    parameters: [.text("it's `x`"), .double(2.5), .bool(true), .null])))
        #expect(echoed == [[.text("it's `x`"), .text("2.5"), .text("true"), .int(1)]])
        #expect(throws: SQLSourceError.self) {
            _ = try source.query(SourceStatement(sql: "SELECT ? AS a", parameters: []))
        }
    }

    @Test func twoHundredThousandRowsStreamInBatches() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            """
            CREATE TABLE big (id BIGINT PRIMARY KEY, label VARCHAR(20), amount DECIMAL(12,2));
            INSERT INTO big SELECT seq, CONCAT('row-', seq), seq / 100 FROM seq_1_to_200000;
            """)
        let expected = try await server.execute("SELECT COUNT(*), SUM(id), SUM(LENGTH(label)) FROM big")
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let cursor = try source.query(SourceStatement(sql: "SELECT id, label, amount FROM big"))
        defer { cursor.close() }
        var batch = RowBatch(width: 3, capacity: 10_000)
        var count = 0
        var sum: Int64 = 0
        var labelBytes = 0
        var batches = 0
        var more = true
        while more {
            batch.removeAll()
            more = try cursor.next(into: &batch, maxRows: 10_000)
            #expect(batch.rowCount <= 10_000)
            if batch.rowCount > 0 { batches += 1 }
            count += batch.rowCount
            for row in 0..<batch.rowCount {
                sum += batch.int(row * 3)
                labelBytes += batch.span(row * 3 + 1).count
            }
        }
        #expect(batches == 20)
        #expect("\(count)\t\(sum)\t\(labelBytes)\n" == expected)
        #expect(try cursor.next(into: &batch, maxRows: 10) == false)
    }

    @Test func closingACursorEarlyLeavesTheConnectionUsable() async throws {
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let cursor = try source.query(SourceStatement(sql: "SELECT seq FROM seq_1_to_50000"))
        var batch = RowBatch(width: 1)
        #expect(try cursor.next(into: &batch, maxRows: 10) == true)
        // The sequence engine's `seq` is BIGINT UNSIGNED: decimal(20,0), as digits.
        #expect(values(of: batch).map { $0[0] } == (1...10).map { .text(String($0)) })
        cursor.close()
        #expect(try readAll(source.query(SourceStatement(sql: "SELECT 7"))) == [[.int(7)]])
        // A new statement ends a cursor left open, whose reader then gets an error, not a short result.
        let abandoned = try source.query(SourceStatement(sql: "SELECT seq FROM seq_1_to_50000"))
        #expect(try readAll(source.query(SourceStatement(sql: "SELECT 8"))) == [[.int(8)]])
        batch = RowBatch(width: 1)
        let error = try #require(throws: SQLSourceError.self) { _ = try abandoned.next(into: &batch, maxRows: 10) }
        #expect(error.kind == .query)
        #expect(batch.rowCount == 0)
    }

    @Test func valuesLongerThanTheirBufferAreReadWhole() async throws {
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let rows = try readAll(
            source.query(
                SourceStatement(
                    sql: """
                        SELECT 1, REPEAT('é', 300000) UNION ALL SELECT 2, 'short' UNION ALL SELECT 3, REPEAT('x', 70000)
                        """)))
        #expect(rows.count == 3)
        #expect(rows[0] == [.int(1), .text(String(repeating: "é", count: 300_000))])
        #expect(rows[1] == [.int(2), .text("short")])
        #expect(rows[2] == [.int(3), .text(String(repeating: "x", count: 70_000))])
    }

    @Test func aWrongPasswordIsAnAuthErrorWithoutThePassword() throws {
        let wrong = "not-the-Password-42"
        let error = try #require(throws: SQLSourceError.self) { _ = try MariaDBTestServer.source(password: wrong) }
        #expect(error.kind == .auth)
        #expect(!error.retryable)
        #expect(!error.message.contains(wrong))
        #expect(error.message.contains("1045"))
    }

    @Test func anUnreachableServerIsARetryableConnectivityError() throws {
        let port = try freeLoopbackPort()
        let error = try #require(throws: SQLSourceError.self) {
            _ = try MariaDBSource(
                host: "127.0.0.1", port: port, user: "u", password: "secret-pw", database: "d",
                connectTimeoutSeconds: 2)
        }
        #expect(error.kind == .connectivity)
        #expect(error.retryable)
        #expect(!error.message.contains("secret-pw"))
    }

    @Test func errorNumbersMapToKindsAndMessagesLoseThePassword() {
        var missing = dltaf_my_error()
        missing.kind = Int32(DLTAF_CLIENT_LIBRARY_MISSING)
        setMessage(&missing, "libmariadb.so.3")
        let dependency = MariaDBErrors.error(missing, "u@h:3306", secrets: [])
        #expect(dependency.kind == .dependency)
        #expect(dependency.message.contains("install libmariadb3 (Debian)"))

        var denied = dltaf_my_error()
        denied.code = 1045
        setMessage(&denied, "connecting: a server that echoes s3cret!")
        let auth = MariaDBErrors.error(denied, "u@h:3306", secrets: ["s3cret!"])
        #expect(auth.kind == .auth)
        #expect(!auth.message.contains("s3cret!"))
        #expect(auth.message.contains("***"))

        let kinds: [(UInt32, SQLSourceError.Kind, Bool)] = [
            (1044, .auth, false), (1698, .auth, false), (2002, .connectivity, true), (2003, .connectivity, true),
            (2005, .connectivity, true), (2006, .connectivity, true), (2013, .connectivity, true),
            (1146, .missingTable, false), (1049, .missingTable, false), (1054, .missingTable, false),
            (1064, .query, false), (1213, .query, true), (0, .query, false),
        ]
        for (code, kind, retryable) in kinds {
            let classified = MariaDBErrors.classify(code)
            #expect(classified.0 == kind, "\(code)")
            #expect(classified.retryable == retryable, "\(code)")
        }
    }

    @Test func aSyntaxErrorIsAQueryError() throws {
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let error = try #require(throws: SQLSourceError.self) {
            _ = try source.query(SourceStatement(sql: "SELEC 1 FROM nowhere"))
        }
        #expect(error.kind == .query)
        #expect(error.message.contains("1064"))
        #expect(error.message.contains("SELEC 1 FROM nowhere"))
        #expect(try readAll(source.query(SourceStatement(sql: "SELECT 1"))) == [[.int(1)]])
    }

    @Test func aMissingTableOrColumnIsMissingTable() throws {
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let table = try #require(throws: SQLSourceError.self) {
            _ = try source.query(SourceStatement(sql: "SELECT * FROM no_such_table"))
        }
        #expect(table.kind == .missingTable)
        #expect(table.message.contains("no_such_table"))
        let column = try #require(throws: SQLSourceError.self) {
            _ = try source.query(SourceStatement(sql: "SELECT no_such_column FROM seq_1_to_3"))
        }
        #expect(column.kind == .missingTable)
    }

    @Test func geometryIsUnmappable() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            "CREATE TABLE places (id INT PRIMARY KEY, spot POINT, area GEOMETRY); INSERT INTO places VALUES (1, POINT(1, 2), NULL);"
        )
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        let table = try #require(try source.describe(table: "places", schema: nil))
        #expect(table.columns.map(\.type) == [.bigint, nil, nil])
        #expect(table.columns[1].sourceType == "point")
        let cursor = try source.query(SourceStatement(sql: "SELECT id, spot FROM places"))
        defer { cursor.close() }
        #expect(cursor.columns.map(\.type) == [.bigint, nil])
        var batch = RowBatch(width: 2)
        let error = try #require(throws: SQLSourceError.self) { _ = try cursor.next(into: &batch, maxRows: 10) }
        #expect(error.kind == .data)
        #expect(error.message.contains("spot"))
    }

    @Test func aZeroDateIsADataErrorNamingTableAndColumn() async throws {
        let server = try MariaDBTestServer.server()
        try await server.execute(
            """
            SET SESSION sql_mode = '';
            CREATE TABLE zero_dates (id INT PRIMARY KEY, born DATE, seen DATETIME);
            INSERT INTO zero_dates VALUES (1, '2020-05-06', '2020-05-06 07:08:09'), (2, '0000-00-00', NULL),
                (3, '2020-05-06', '0000-00-00 00:00:00');
            """)
        let source = try MariaDBTestServer.source()
        defer { source.close() }
        for (column, id) in [("born", 2), ("seen", 3)] {
            let cursor = try source.query(
                SourceStatement(sql: "SELECT id, \(column) FROM zero_dates WHERE id IN (1, \(id)) ORDER BY id"))
            defer { cursor.close() }
            var batch = RowBatch(width: 2)
            let error = try #require(throws: SQLSourceError.self) { _ = try cursor.next(into: &batch, maxRows: 10) }
            #expect(error.kind == .data)
            #expect(error.message.contains("`zero_dates`.`\(column)`"), "\(error.message)")
            #expect(error.message.contains("zero date"))
            // The complete row before it stays; the partial one is dropped.
            #expect(batch.rowCount == 1)
            #expect(batch.valueCount == 2)
        }
    }
}
/// A value read back from a batch, for comparisons.
private enum Value: Equatable, CustomStringConvertible {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case text(String)
    case bytes([UInt8])

    var description: String {
        switch self {
        case .null: return "NULL"
        case .int(let value): return "int \(value)"
        case .double(let value): return "double \(value)"
        case .bool(let value): return "bool \(value)"
        case .text(let value): return "text \(value.debugDescription)"
        case .bytes(let value): return "bytes \(value)"
        }
    }
}

/// The batch's rows as values.
private func values(of batch: RowBatch) -> [[Value]] {
    (0..<batch.rowCount).map { row in
        (0..<batch.width).map { column in
            let index = row * batch.width + column
            switch batch.tag(index) {
            case .null: return .null
            case .int: return .int(batch.int(index))
            case .double: return .double(batch.double(index))
            case .bool: return .bool(batch.bool(index))
            case .text: return .text(batch.text(index))
            case .bytes: return .bytes(batch.withBytes(index) { Array($0) })
            }
        }
    }
}

/// Reads every row of `cursor` in batches of `size`, checking that no batch exceeds it; closes the cursor.
private func readAll(_ cursor: any SourceCursor, batchSize size: Int = 1000) throws -> [[Value]] {
    defer { cursor.close() }
    var rows: [[Value]] = []
    var batch = RowBatch(width: cursor.columns.count, capacity: size)
    var more = true
    while more {
        batch.removeAll()
        more = try cursor.next(into: &batch, maxRows: size)
        #expect(batch.rowCount <= size)
        rows += values(of: batch)
    }
    return rows
}

/// Writes `text` into the error's C message buffer.
private func setMessage(_ error: inout dltaf_my_error, _ text: String) {
    withUnsafeMutableBytes(of: &error.message) { buffer in
        let bytes = Array(text.utf8.prefix(buffer.count - 1))
        buffer.copyBytes(from: bytes + [0])
    }
}
