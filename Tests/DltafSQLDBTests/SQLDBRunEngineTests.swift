import DltafJSON
import DltafProtocol
import DltafTestSupport
import Foundation
import Testing

@testable import DltafLoad
@testable import DltafSQLDB

/// `SQLDBRun` with a scripted source and a real SQLite destination: failures at each stage of a unit, what
/// `partial_success` makes of them, and that a failed unit leaves nothing behind.
@Suite struct SQLDBRunEngineTests {
    /// A source whose tables are scripted: rows, or a failure at reflection or while reading.
    final class ScriptedSource: SQLSource {
        enum Behaviour {
            case rows(Int)
            case vanishesBeforeRead
            case failsAfter(rows: Int)
            case unmappable
        }

        let dialect = "sqlite"
        let defaultSchema: String? = "main"
        let tables: [String: Behaviour]

        init(_ tables: [String: Behaviour]) { self.tables = tables }

        func tables(schema: String?) throws(SQLSourceError) -> [String] { tables.keys.sorted() }

        func describe(table: String, schema: String?) throws(SQLSourceError) -> SourceTable? {
            guard let behaviour = tables[table] else { return nil }
            var columns = [
                SourceColumn(name: "id", sourceType: "INTEGER", type: .bigint, nullable: false),
                SourceColumn(name: "note", sourceType: "TEXT", type: .text),
            ]
            if case .unmappable = behaviour {
                columns.append(SourceColumn(name: "shape", sourceType: "POINT", type: nil))
            }
            return SourceTable(schema: schema, name: table, columns: columns, primaryKey: ["id"])
        }

        func query(_ statement: SourceStatement) throws(SQLSourceError) -> any SourceCursor {
            let name = tables.keys.first { statement.sql.hasSuffix(quote($0)) } ?? ""
            switch tables[name] {
            case .vanishesBeforeRead?: throw SQLSourceError(.missingTable, "no such table: \(name)")
            case .rows(let count)?: return ScriptedCursor(rows: count, failAt: nil)
            case .failsAfter(let count)?: return ScriptedCursor(rows: count * 2, failAt: count)
            case .unmappable?: return ScriptedCursor(rows: 1, failAt: nil)
            case nil: throw SQLSourceError(.query, "unexpected statement \(statement.sql)")
            }
        }

        func quote(_ name: String) -> String { "\"\(name)\"" }
        func placeholder(_ index: Int) -> String { "?\(index)" }
        func close() {}
    }

    final class ScriptedCursor: SourceCursor {
        let columns = [
            SourceColumn(name: "id", sourceType: "INTEGER", type: .bigint),
            SourceColumn(name: "note", sourceType: "TEXT", type: .text),
        ]
        private var next = 1
        private let rows: Int
        private let failAt: Int?

        init(rows: Int, failAt: Int?) {
            self.rows = rows
            self.failAt = failAt
        }

        func next(into batch: inout RowBatch, maxRows: Int) throws(SQLSourceError) -> Bool {
            var added = 0
            while next <= rows, added < maxRows {
                if let failAt, next > failAt { throw SQLSourceError(.connectivity, "the server went away") }
                batch.append(Int64(next))
                batch.appendText("row \(next)")
                next += 1
                added += 1
            }
            return next <= rows
        }

        func close() {}
    }

    static func configuration(_ tables: [String], partial: JSONValue?) throws -> SQLDBConfiguration {
        var run: JSONObject = ["write_disposition": "append"]
        if let partial { run["partial_success"] = partial }
        let manifest: JSONValue = .object([
            "source": .object([
                "kind": "sqldb", "mode": "catalog",
                "catalog": .object(["schema": "main", "tables": .array(tables.map { .string($0) })]),
                "query": .object(["fetch_batch_size": 10]),
            ]),
            "run": .object(run),
        ])
        return try SQLDBConfiguration(manifest: manifest, directory: "/")
    }

    static func run(
        _ behaviours: [String: ScriptedSource.Behaviour], order: [String], partial: JSONValue?,
        in workspace: Workspace
    ) throws -> (RunOutcome, LoadSession) {
        let session = try LoadSession(
            destination: .sqlite(SQLiteConfiguration(path: workspace.root + "/demo.sqlite")), pipeline: "p",
            loadID: "load-1")
        let outcome = SQLDBRun(
            configuration: try configuration(order, partial: partial), source: ScriptedSource(behaviours),
            session: session, isCancelled: { false }, progress: { _, _ in }
        ).run()
        return (outcome, session)
    }

    static func count(_ table: String, in workspace: Workspace) throws -> Int? {
        let connection = try SQLiteConnection(path: workspace.root + "/demo.sqlite", busyTimeoutMilliseconds: 1000)
        let exists = try connection.prepare(
            "SELECT count(*) FROM sqlite_schema WHERE name = '\(table)'", "test")
        _ = exists.step()
        guard exists.int(0) > 0 else { return nil }
        let statement = try connection.prepare("SELECT count(*) FROM \"\(table)\"", "test")
        _ = statement.step()
        return Int(statement.int(0))
    }

    @Test func aTableThatVanishesAfterReflectionIsToleratedAsMissing() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (outcome, session) = try Self.run(
            ["a": .rows(25), "gone": .vanishesBeforeRead, "c": .rows(3)], order: ["a", "gone", "c"],
            partial: ["mode": "any_success", "tolerate_errors": "missing_table_only"], in: workspace)
        _ = try session.finish()
        #expect(outcome.status == .partialSuccess)
        #expect(outcome.tableStats.map { $0["status"]?.stringValue } == ["success", "failed", "success"])
        #expect(outcome.tableStats[1]["error_kind"] == "CONFIG:table_not_found")
        #expect(try Self.count("a", in: workspace) == 25)
        #expect(try Self.count("c", in: workspace) == 3)
        #expect(try Self.count("gone", in: workspace) == nil)
    }

    @Test func aSourceLostMidTableRollsThatTableBackAndTheOthersStay() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (outcome, session) = try Self.run(
            ["a": .rows(5), "b": .failsAfter(rows: 40)], order: ["a", "b"],
            partial: ["mode": "any_success", "tolerate_errors": "source_only"], in: workspace)
        _ = try session.finish()
        #expect(outcome.status == .partialSuccess)
        #expect(outcome.tableStats[1]["error_kind"] == "CONNECTIVITY:source_unreachable")
        #expect(outcome.tableStats[1]["stage"] == "source")
        #expect(try Self.count("a", in: workspace) == 5)
        #expect(try Self.count("b", in: workspace) == nil)
    }

    @Test func anUnmappableColumnFailsItsTableNamingTheColumn() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (outcome, session) = try Self.run(["odd": .unmappable], order: ["odd"], partial: nil, in: workspace)
        session.abort()
        #expect(outcome.status == .failed)
        #expect(outcome.code == "unsupported_column")
        #expect(outcome.message?.contains("column shape has type POINT") == true)
    }

    @Test func withoutPartialSuccessTheFirstFailureStopsTheRun() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (outcome, session) = try Self.run(
            ["a": .rows(2), "gone": .vanishesBeforeRead, "z": .rows(2)], order: ["a", "gone", "z"], partial: nil,
            in: workspace)
        session.abort()
        #expect(outcome.status == .failed)
        #expect(outcome.tableStats.count == 2)
        #expect(outcome.retryable == false)
    }

    @Test func thresholdPoliciesJudgeTheLoadedShare() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let (outcome, session) = try Self.run(
            ["a": .rows(1), "gone": .vanishesBeforeRead, "lost": .vanishesBeforeRead], order: ["a", "gone", "lost"],
            partial: ["mode": "threshold", "tolerate_errors": "any_per_table", "min_success_ratio": 0.5],
            in: workspace)
        session.abort()
        #expect(outcome.status == .failed)
        #expect(outcome.message?.contains("below min_success_ratio 0.5") == true)
    }
}
