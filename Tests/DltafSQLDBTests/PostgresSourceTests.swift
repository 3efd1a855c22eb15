import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@testable import DltafLoad
@testable import DltafSQLDB

/// The PostgreSQL source against a real server: reflection, every common type read into typed batches, bound
/// parameters, the COPY pass-through, and errors that name what failed but never the password.
@Suite(.serialized) struct PostgresSourceTests {
    static let typesTable = """
        CREATE TABLE public.every_type (
            id bigint PRIMARY KEY, small smallint, whole integer, ratio double precision, price numeric(38,9),
            loose numeric, flag boolean, label text, code varchar(8), day date, at timestamptz, naive timestamp,
            doc jsonb, raw bytea, tags text[], uid uuid, shape point);
        INSERT INTO public.every_type VALUES
            (1, 7, -42, 0.1, 12345678901234567890123456789.123456789, 1.000000000001, true, 'ünïcode 😀',
             'ab', '2026-01-02', '2026-01-02 03:04:05.123456+02', '2026-01-02 03:04:05', '{"a": [1, 2]}',
             '\\x00ff10', '{x,"y z"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '(1,2)'),
            (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        """

    static func source(_ server: LocalPostgres, password: String? = nil) throws(SQLSourceError) -> PostgresSource {
        try PostgresSource(
            host: "127.0.0.1", port: server.port, user: server.user, password: password ?? server.password,
            database: server.database)
    }

    @Test func reflectsColumnsTypesAndPrimaryKey() async throws {
        try await LocalPostgres.with { server in
            let source = try Self.source(server)
            defer { source.close() }
            try source.session.exec(Self.typesTable, [], "setup")
            #expect(try source.tables(schema: "public") == ["every_type"])
            let table = try #require(try source.describe(table: "every_type", schema: "public"))
            #expect(table.primaryKey == ["id"])
            let types = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0.type) })
            #expect(types["small"] == .bigint)
            #expect(types["price"] == .decimal(precision: 38, scale: 9))
            #expect(types["loose"] == .text)
            #expect(types["at"] == .timestamp)
            #expect(types["doc"] == .json)
            #expect(types["raw"] == .binary)
            #expect(types["tags"] == .json)
            #expect(types["uid"] == .text)
            #expect(types["shape"] == .some(nil))
            #expect(table.columns.first { $0.name == "id" }?.nullable == false)
            #expect(try source.describe(table: "missing", schema: "public") == nil)
        }
    }

    @Test func readsEveryTypeIntoTypedValues() async throws {
        try await LocalPostgres.with { server in
            let source = try Self.source(server)
            defer { source.close() }
            try source.session.exec(Self.typesTable, [], "setup")
            let table = try #require(try source.describe(table: "every_type", schema: "public"))
            let columns = table.columns.filter { $0.type != nil }
            let list = columns.map(source.selectExpression).joined(separator: ", ")
            let cursor = try source.query(SourceStatement(sql: "SELECT \(list) FROM every_type ORDER BY id"))
            var batch = RowBatch(width: columns.count)
            #expect(try cursor.next(into: &batch, maxRows: 10) == false)
            cursor.close()
            #expect(batch.rowCount == 2)
            func value(_ name: String, row: Int = 0) -> Int {
                row * columns.count + (columns.firstIndex { $0.name == name } ?? -1)
            }
            #expect(batch.int(value("small")) == 7)
            #expect(batch.int(value("whole")) == -42)
            #expect(batch.double(value("ratio")) == 0.1)
            #expect(batch.text(value("price")) == "12345678901234567890123456789.123456789")
            #expect(batch.text(value("loose")) == "1.000000000001")
            #expect(batch.bool(value("flag")))
            #expect(batch.text(value("label")) == "ünïcode 😀")
            #expect(batch.text(value("day")) == "2026-01-02")
            #expect(batch.text(value("at")) == "2026-01-02T01:04:05.123456Z")
            #expect(batch.text(value("naive")) == "2026-01-02T03:04:05Z")
            #expect(batch.text(value("doc")) == #"{"a": [1, 2]}"#)
            #expect(batch.withBytes(value("raw")) { Array($0) } == [0x00, 0xFF, 0x10])
            #expect(batch.text(value("tags")) == #"["x","y z"]"#)
            for column in columns where column.name != "id" {
                #expect(batch.tag(value(column.name, row: 1)) == .null, "\(column.name)")
            }
        }
    }

    @Test func bindsParametersAndStreamsInBatches() async throws {
        try await LocalPostgres.with { server in
            let source = try Self.source(server)
            defer { source.close() }
            try source.session.exec(
                "CREATE TABLE big AS SELECT g AS id, 'n' || g AS name FROM generate_series(1, 50000) g", [], "setup")
            let statement = try NamedParameters.bind(
                "SELECT id, name FROM big WHERE id >= :low AND name <> ':not_a_param' AND id::text <> :skip",
                values: ["low": .int(101), "skip": .text("200")], placeholder: source.placeholder, reusable: true)
            #expect(statement.sql.contains("$1") && statement.sql.contains("$2"))
            let cursor = try source.query(statement)
            var total = 0
            var sum: Int64 = 0
            var calls = 0
            while true {
                var batch = RowBatch(width: 2)
                let more = try cursor.next(into: &batch, maxRows: 10_000)
                calls += 1
                #expect(batch.rowCount <= 10_000)
                for row in 0..<batch.rowCount { sum += batch.int(row * 2) }
                total += batch.rowCount
                if !more { break }
            }
            cursor.close()
            #expect(total == 49_899)
            #expect(sum == (101...50_000).reduce(0) { $0 + Int64($1) } - 200)
            #expect(calls >= 5)
        }
    }

    @Test func copiesRowsAsCOPYText() async throws {
        try await LocalPostgres.with { server in
            let source = try Self.source(server)
            defer { source.close() }
            try source.session.exec(
                "CREATE TABLE t (id int, note text); INSERT INTO t VALUES (1, 'a\tb'), (2, NULL)", [], "setup")
            let (sql, columns) = try source.describeForCopy(SourceStatement(sql: "SELECT id, note FROM t ORDER BY id"))
            #expect(columns.map(\.name) == ["id", "note"])
            var lines: [String] = []
            try source.copyRows(sql) { row in
                lines.append(String(decoding: row, as: UTF8.self))
                return true
            }
            #expect(lines == ["1\ta\\tb\n", "2\t\\N\n"])
        }
    }

    @Test func failuresAreClassifiedAndNeverShowThePassword() async throws {
        try await LocalPostgres.with { server in
            let wrong = "wrong-\(UUID().uuidString)"
            do throws(SQLSourceError) {
                _ = try Self.source(server, password: wrong)
                Issue.record("a wrong password connected")
            } catch {
                #expect(error.kind == .auth)
                #expect(!error.message.contains(wrong))
            }
            let source = try Self.source(server)
            defer { source.close() }
            #expect(throws: SQLSourceError.self) { try source.query(SourceStatement(sql: "SELEC 1")) }
            do throws(SQLSourceError) {
                _ = try source.query(SourceStatement(sql: "SELECT * FROM no_such_table"))
            } catch {
                #expect(error.kind == .missingTable)
                #expect(error.message.contains("no_such_table"))
            }
            do throws(SQLSourceError) {
                _ = try source.query(SourceStatement(sql: "SELEC 1"))
            } catch {
                #expect(error.kind == .query)
            }
        }
    }
}
