import DltafJSON
import DltafLoad
import DltafProtocol
import Testing

@Suite("Write dispositions on SQLite and PostgreSQL")
struct DispositionTests {
    private let columns = [
        ColumnDeclaration(name: "id", type: .bigint, nullable: false), ColumnDeclaration(name: "name", type: .text),
    ]

    @Test(
        "append: rows, state and the load record commit together; a second run adds to them",
        arguments: Backend.allCases)
    func append(backend: Backend) async throws {
        try await backend.with { harness in
            let first = try harness.session()
            let opened = try first.open(StreamDeclaration(stream: "Users", columns: columns))
            #expect(opened == OpenedStream(stream: "Users", table: "users", state: nil))
            #expect(
                try first.write(stream: "Users", columns: ["id", "name"], rows: [[1, "a"], [2, "b"], [3, "c"]]) == 3)
            let result = try first.checkpoint(state: ["cursor": 3], streams: ["Users": ["last": 3]])
            #expect(result == CheckpointResult(loadID: "load-1", checkpoint: 1, rows: ["Users": 3]))
            let summary = try first.finish()
            #expect(summary.checkpoints == 2)
            #expect(summary.tables.first?.rowsAfter == 3)

            let rows = try harness.query("SELECT id, name, _dltaf_load_id FROM users ORDER BY id")
            #expect(rows == [["1", "a", "load-1"], ["2", "b", "load-1"], ["3", "c", "load-1"]])
            let loads = try harness.query(
                "SELECT load_id, checkpoint, status, rows FROM _dltaf_loads ORDER BY checkpoint")
            #expect(loads == [["load-1", "1", "checkpoint", "3"], ["load-1", "2", "completed", "0"]])

            let second = try harness.session(loadID: "load-2")
            let state = try second.committedState()
            #expect(state == CommittedState(pipeline: ["cursor": 3], streams: ["Users": ["last": 3]]))
            #expect(try second.open(StreamDeclaration(stream: "Users")).state == ["last": 3])
            try second.write(stream: "Users", columns: ["id", "name"], rows: [[4, "d"], [5, "e"]])
            let stats = try #require(try second.finish().tables.first)
            #expect(stats.rowsBefore == 3)
            #expect(stats.rowsAfter == 5)
            #expect(stats.inserted == 2)
            #expect(stats.rowsCommitted == 2)
            #expect(try harness.count("users") == 5)
        }
    }

    @Test(
        "merge: the last row of a key wins within a load and across checkpoints and runs", arguments: Backend.allCases)
    func merge(backend: Backend) async throws {
        try await backend.with { harness in
            let first = try harness.session(disposition: .merge)
            try first.open(StreamDeclaration(stream: "items", columns: columns, primaryKey: ["id"]))
            try first.write(stream: "items", columns: ["id", "name"], rows: [[1, "a"], [2, "b"], [1, "c"]])
            _ = try first.checkpoint(state: nil)
            #expect(try harness.query("SELECT id, name FROM items ORDER BY id") == [["1", "c"], ["2", "b"]])
            try first.write(stream: "items", columns: ["id", "name"], rows: [[2, "d"], [3, "x"]])
            // A column that appears once the staging table exists.
            try first.write(stream: "items", columns: ["id", "name", "late"], rows: [[3, "e", 1.5]])
            let stats = try #require(try first.finish().tables.first)
            #expect(stats.rowsCommitted == 6)
            #expect(stats.inserted == 3)
            #expect(stats.updated == 3)
            #expect(try harness.query("SELECT late FROM items WHERE id = 3") == [["1.5"]])
            #expect(
                try harness.query("SELECT id, name FROM items ORDER BY id") == [["1", "c"], ["2", "d"], ["3", "e"]])

            let second = try harness.session(loadID: "load-2", disposition: .merge)
            try second.open(StreamDeclaration(stream: "items", primaryKey: ["id"]))
            try second.write(stream: "items", columns: ["id", "name", "extra"], rows: [[3, "f", true]])
            _ = try second.finish()
            let merged = try harness.query("SELECT id, name, extra, _dltaf_load_id FROM items ORDER BY id")
            #expect(merged.last == ["3", "f", harness.bool(true), "load-2"])
            #expect(merged.count == 3)
        }
    }

    @Test("merge: repeated keys within large batches keep the last row", arguments: Backend.allCases)
    func mergeLargeBatches(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session(disposition: .merge)
            try session.open(StreamDeclaration(stream: "many", columns: columns, primaryKey: ["id"]))
            let rows: [[JSONValue]] = (0..<1000).map { [.int($0 % 70), .string("v\($0)")] }
            try session.write(stream: "many", columns: ["id", "name"], rows: rows)
            let summary = try session.finish()
            #expect(summary.tables.first?.rowsAfter == 70)
            let stored = try harness.query("SELECT id, name FROM many ORDER BY id")
            let expected: [[String?]] = (0..<70).map { key in
                let last = (0..<1000).last { $0 % 70 == key } ?? 0
                return [String(key), "v\(last)"]
            }
            #expect(stored == expected)
        }
    }

    @Test("merge refuses a stream without a key and rows whose key is null", arguments: Backend.allCases)
    func mergeNeedsKeys(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session(disposition: .merge)
            expectLoadError(.badRows) { try session.open(StreamDeclaration(stream: "nokey")) }
            try session.open(StreamDeclaration(stream: "items", primaryKey: ["id"]))
            let error = expectLoadError(.badRows) {
                try session.write(stream: "items", columns: ["id", "name"], rows: [[.null, "x"]])
            }
            #expect(error?.message.contains("id") == true)
            session.abort()
        }
    }

    @Test(
        "replace: the old table stays visible until finish, then the new one replaces it whole",
        arguments: Backend.allCases)
    func replace(backend: Backend) async throws {
        try await backend.with { harness in
            let seed = try harness.session()
            try seed.open(StreamDeclaration(stream: "t", columns: columns))
            try seed.write(stream: "t", columns: ["id", "name"], rows: [[1, "old"], [2, "old"], [3, "old"]])
            _ = try seed.finish()

            let run = try harness.session(loadID: "load-2", disposition: .replace)
            try run.open(StreamDeclaration(stream: "t", columns: columns))
            try run.write(stream: "t", columns: ["id", "name"], rows: [[10, "new"], [11, "new"]])
            _ = try run.checkpoint(state: ["v": 2])
            // Committed, but not swapped in: readers still see the whole old table.
            #expect(try harness.count("t") == 3)
            #expect(try harness.count("t__dltaf_stage") == 2)
            let stats = try #require(try run.finish().tables.first)
            #expect(stats.rowsBefore == 3)
            #expect(stats.rowsAfter == 2)
            #expect(try harness.query("SELECT id, name FROM t ORDER BY id") == [["10", "new"], ["11", "new"]])
            #expect(try harness.tableExists("t__dltaf_stage") == false)

            // A failed replace run leaves the table as it was.
            let failed = try harness.session(loadID: "load-3", disposition: .replace)
            try failed.open(StreamDeclaration(stream: "t"))
            try failed.write(stream: "t", columns: ["id", "name"], rows: [[20, "lost"]])
            _ = try failed.checkpoint(state: nil)
            failed.abort()
            #expect(try harness.query("SELECT id FROM t ORDER BY id") == [["10"], ["11"]])
        }
    }
}
