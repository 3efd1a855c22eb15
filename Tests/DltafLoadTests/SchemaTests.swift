import DltafJSON
import DltafProtocol
import Testing

@testable import DltafLoad

@Suite("Tables, types, names and schema contracts")
struct SchemaTests {
    @Test("every declared type round-trips; a decimal keeps every digit", arguments: Backend.allCases)
    func types(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            let columns: [ColumnDeclaration] = [
                .init(name: "n", type: .bigint), .init(name: "x", type: .double),
                .init(name: "amount", type: .decimal(precision: 30, scale: 10)), .init(name: "t", type: .text),
                .init(name: "flag", type: .bool), .init(name: "day", type: .date), .init(name: "at", type: .timestamp),
                .init(name: "doc", type: .json), .init(name: "raw", type: .binary),
            ]
            try session.open(StreamDeclaration(stream: "typed", columns: columns))
            let names = columns.map(\.name)
            try session.write(
                stream: "typed", columns: names,
                rows: [
                    [
                        9_007_199_254_740_993, 1.5, "12345678901234567890.0123456789", "tab\tline\nback\\slash", true,
                        "2024-02-29", "2024-02-29T12:34:56.789+02:00", ["k": [1, "two"]], "3q2+7w==",
                    ],
                    [.null, .null, 42, "", false, .null, "2024-01-01 00:00:00Z", .null, .null],
                ])
            _ = try session.finish()
            let hexRaw = backend == .sqlite ? "hex(raw)" : "encode(raw, 'hex')"
            let rows = try harness.query(
                "SELECT n, x, amount, t, flag, day, doc, \(hexRaw) FROM typed ORDER BY t DESC")
            #expect(rows.first?[0] == "9007199254740993")
            #expect(rows.first?[1] == "1.5")
            #expect(rows.first?[2] == "12345678901234567890.0123456789")
            #expect(rows.first?[3] == "tab\tline\nback\\slash")
            #expect(rows.first?[4] == harness.bool(true))
            #expect(rows.first?[5] == "2024-02-29")
            #expect(rows.first.flatMap { $0[6] }.map { try? JSONParser.parse($0) } == ["k": [1, "two"]])
            #expect(rows.first?[7]?.lowercased() == "deadbeef")
            #expect(rows.last?[2] == (backend == .sqlite ? "42" : "42.0000000000"))
            #expect(rows.last?[3] == "")
            let epoch = backend == .sqlite ? "at" : "extract(epoch from at)::bigint"
            #expect(
                try harness.query("SELECT \(epoch) FROM typed WHERE t = ''") == [
                    [backend == .sqlite ? "2024-01-01 00:00:00Z" : "1704067200"]
                ])
        }
    }

    @Test("hostile names are normalised, quoted and usable", arguments: Backend.allCases)
    func hostileNames(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session("Data Set \"x\"")
            let stream = "Order \"Items\"; DROP TABLE users;--"
            let opened = try session.open(StreamDeclaration(stream: stream))
            #expect(opened.table == "order_items_drop_table_users_")
            let columns = ["select", "naïve col", "CamelCase", "a\"b", "1st", "from"]
            try session.write(stream: stream, columns: columns, rows: [["s", "n", "c", "q", "f", "w"]])
            _ = try session.checkpoint(state: nil, streams: [stream: "done"])
            expectLoadError(.badRows) { try session.write(stream: stream, columns: ["a b", "a-b"], rows: [[1, 2]]) }
            expectLoadError(.badRows) { try session.write(stream: stream, columns: ["_dltaf_load_id"], rows: [[1]]) }
            _ = try session.finish()
            let rows = try harness.query(
                "SELECT \"select\", \"na_ve_col\", \"camel_case\", \"a_b\", \"_1st\", \"from\" FROM \"order_items_drop_table_users_\"",
                dataset: "data_set_x_")
            #expect(rows == [["s", "n", "c", "q", "f", "w"]])
            let again = try harness.session("Data Set \"x\"", loadID: "load-2")
            #expect(try again.committedState().streams[stream] == "done")
            again.abort()
        }
    }

    @Test("evolve: new columns are added, a conflicting value goes to a variant column", arguments: Backend.allCases)
    func evolve(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "s", columns: [.init(name: "n", type: .bigint)]))
            try session.write(stream: "s", columns: ["n"], rows: [[1], ["2"], [2.0]])
            try session.write(
                stream: "s", columns: ["n", "obj"], rows: [["abc", ["a": 1]], [[1, 2], .null], [1.5, .null]])
            try session.open(
                StreamDeclaration(stream: "d", columns: [.init(name: "p", type: .decimal(precision: 5, scale: 2))]))
            try session.write(stream: "d", columns: ["p"], rows: [["123.45"], ["1.005"], ["12345.6"]])
            _ = try session.finish()
            let rows = try harness.query(
                "SELECT n, n__v_text, n__v_json, n__v_double, obj FROM s ORDER BY _dltaf_load_id, n")
            #expect(rows.count == 6)
            #expect(rows.compactMap { $0[1] } == ["abc"])
            #expect(rows.compactMap { $0[2] }.map { try? JSONParser.parse($0) } == [[1, 2]])
            #expect(rows.compactMap { $0[3] } == ["1.5"])
            #expect(rows.compactMap { $0[0] }.sorted() == ["1", "2", "2"])
            #expect(
                try harness.query("SELECT p, p__v_text FROM d ORDER BY coalesce(p__v_text, '')") == [
                    ["123.45", nil], [nil, "1.005"], [nil, "12345.6"],
                ])
        }
    }

    @Test("freeze, discard_row and discard_value", arguments: Backend.allCases)
    func contracts(backend: Backend) async throws {
        try await backend.with { harness in
            let seed = try harness.session()
            try seed.open(StreamDeclaration(stream: "s", columns: [.init(name: "n", type: .bigint)]))
            try seed.write(stream: "s", columns: ["n"], rows: [[1]])
            _ = try seed.finish()

            let frozen = try harness.session(loadID: "f", contract: .freeze)
            try frozen.open(StreamDeclaration(stream: "s"))
            let newColumn = expectLoadError(.schemaContract) {
                try frozen.write(stream: "s", columns: ["n", "extra"], rows: [[2, "x"]])
            }
            #expect(newColumn?.message.contains("extra") == true)
            #expect(newColumn?.message.contains("stream s") == true)
            frozen.abort()
            let frozenValue = try harness.session(loadID: "f2", contract: .freeze)
            try frozenValue.open(StreamDeclaration(stream: "s"))
            try frozenValue.write(stream: "s", columns: ["n"], rows: [[2]])
            expectLoadError(.schemaContract) { try frozenValue.write(stream: "s", columns: ["n"], rows: [["text"]]) }
            frozenValue.abort()

            let dropRows = try harness.session(loadID: "r", contract: .discardRow)
            try dropRows.open(StreamDeclaration(stream: "s"))
            #expect(
                try dropRows.write(
                    stream: "s", columns: ["n", "extra"], rows: [[3, .null], [4, "x"], ["bad", .null]]) == 1)
            let dropStats = try #require(try dropRows.finish().tables.first)
            #expect(dropStats.rowsDiscarded == 2)

            let dropValues = try harness.session(loadID: "v", contract: .discardValue)
            try dropValues.open(StreamDeclaration(stream: "s"))
            #expect(try dropValues.write(stream: "s", columns: ["n", "extra"], rows: [["bad", "x"], [5, "y"]]) == 2)
            _ = try dropValues.finish()

            let rows = try harness.query("SELECT n, _dltaf_load_id FROM s ORDER BY _dltaf_load_id, coalesce(n, -1)")
            #expect(rows == [["1", "load-1"], ["3", "r"], [nil, "v"], ["5", "v"]])
            #expect(try harness.query("SELECT * FROM s").first?.count == 2)  // no column was added
        }
    }

    @Test("malformed requests: a row of the wrong width, unknown and repeated streams", arguments: Backend.allCases)
    func malformed(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "s"))
            let wide = expectLoadError(.badRows) {
                try session.write(stream: "s", columns: ["a", "b"], rows: [[1, 2], [1, 2, 3]])
            }
            #expect(wide?.message == "stream s: row 2 has 3 values for 2 columns")
            #expect(wide?.category == "DATA")
            #expect(wide?.retryable == false)
            expectLoadError(.streamNotOpen) { try session.write(stream: "nope", columns: ["a"], rows: [[1]]) }
            expectLoadError(.streamAlreadyOpen) { try session.open(StreamDeclaration(stream: "s")) }
            expectLoadError(.streamAlreadyOpen) { try session.open(StreamDeclaration(stream: "other", table: "S")) }
            expectLoadError(.badRows) {
                try session.open(
                    StreamDeclaration(stream: "nn", columns: [.init(name: "k", type: .text, nullable: false)]))
                try session.write(stream: "nn", columns: ["k"], rows: [[.null]])
            }
            // Refused requests that wrote nothing leave the session usable; the failed write above does not.
            expectLoadError(.badRows) { _ = try session.checkpoint(state: nil) }
            session.abort()
        }
    }
}

@Suite("Schema edge cases")
struct SchemaEdgeTests {
    @Test(
        "freeze: the first write of a new table defines its columns, later writes may not add any",
        arguments: Backend.allCases)
    func freezeNewTable(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session(contract: .freeze)
            try session.open(StreamDeclaration(stream: "fresh"))
            try session.write(stream: "fresh", columns: ["a", "b"], rows: [[1, "x"]])
            try session.write(stream: "fresh", columns: ["a"], rows: [[2]])
            expectLoadError(.schemaContract) { try session.write(stream: "fresh", columns: ["c"], rows: [[3]]) }
            session.abort()
            #expect(try harness.tableExists("fresh") == false)
        }
    }

    @Test("rows whose values are all null are still rows", arguments: Backend.allCases)
    func allNullRows(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "empty"))
            #expect(try session.write(stream: "empty", columns: ["a"], rows: [[.null], [.null], [.null]]) == 3)
            _ = try session.finish()
            #expect(try harness.count("empty") == 3)
        }
    }

    @Test("long names are shortened consistently and the statistics say what happened", arguments: Backend.allCases)
    func longNames(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            let stream = String(repeating: "VeryLongStreamName", count: 5)
            let column = String(repeating: "column ", count: 12)
            let opened = try session.open(StreamDeclaration(stream: stream))
            #expect(opened.table.utf8.count == 50)
            try session.write(stream: stream, columns: [column], rows: [["a"], [1]])
            try session.write(stream: stream, columns: [column], rows: [[["nested": true]]])
            let statistics = session.statistics
            #expect(statistics.first?.rowsWritten == 3)
            #expect(statistics.first?.rowsCommitted == 0)
            let summary = try session.finish()
            #expect(summary.tables.first?.rowsCommitted == 3)
            #expect(summary.tables.first?.table == opened.table)
            let normalized = NameNormalizer.normalize(column)
            let variant = NameNormalizer.fit(normalized + "__v_json")
            #expect(variant.utf8.count <= 63)
            let rows = try harness.query(
                "SELECT \(NameNormalizer.quote(normalized)), \(NameNormalizer.quote(variant)) FROM "
                    + NameNormalizer.quote(opened.table))
            #expect(rows.count == 3)
            #expect(rows.compactMap { $0[1] }.count == 1)
        }
    }
}
