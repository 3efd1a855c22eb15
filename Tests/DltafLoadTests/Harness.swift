import DltafJSON
import DltafProtocol
import DltafTestSupport
import Foundation
import Testing

@testable import DltafLoad

/// The two destinations every behaviour test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a harness for this backend (a temp folder, or a throwaway PostgreSQL server).
    func with(_ body: (Harness) async throws -> Void) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        switch self {
        case .sqlite:
            try await body(Harness(backend: self, workspace: workspace, server: nil))
        case .postgres:
            try await LocalPostgres.with { server in
                try await body(Harness(backend: self, workspace: workspace, server: server))
            }
        }
    }
}

/// Opens sessions on one backend and reads back what they wrote, through a connection of its own.
struct Harness {
    let backend: Backend
    let workspace: Workspace
    let server: LocalPostgres?

    func configuration(_ dataset: String) -> DestinationConfiguration {
        guard let server else {
            return .sqlite(
                SQLiteConfiguration(path: SQLiteConfiguration.file(folder: workspace.root, dataset: dataset)))
        }
        return .postgres(
            PostgresConfiguration(
                host: "127.0.0.1", port: server.port, user: server.user, password: server.password,
                database: server.database, dataset: dataset))
    }

    func session(
        _ dataset: String = "demo", loadID: String = "load-1", disposition: WriteDisposition = .append,
        contract: SchemaContract = .evolve, spool: String? = nil
    ) throws -> LoadSession {
        try LoadSession(
            destination: configuration(dataset), pipeline: "pipe", loadID: loadID, writeDisposition: disposition,
            schemaContract: contract, spoolDirectory: spool)
    }

    /// The rows of `sql` as text (NULL → nil), run in the dataset.
    func query(_ sql: String, dataset: String = "demo") throws -> [[String?]] {
        switch configuration(dataset) {
        case .sqlite(let configuration):
            let connection = try SQLiteConnection(path: configuration.path, busyTimeoutMilliseconds: 5000)
            let statement = try connection.prepare(sql, "test query")
            var rows: [[String?]] = []
            while statement.step() == sqliteRow {
                rows.append((0..<statement.columnCount).map { statement.text($0) })
            }
            return rows
        case .postgres(let configuration):
            let connection = try PostgresConnection(parameters: configuration.parameters, secrets: [])
            return try connection.exec(
                "SET search_path TO \(NameNormalizer.quote(configuration.dataset)); \(sql)", [], "test query")
        }
    }

    /// `count(*)` of a table, nil when it does not exist.
    func count(_ table: String, dataset: String = "demo") throws -> Int? {
        guard try tableExists(table, dataset: dataset) else { return nil }
        return try query("SELECT count(*) FROM \(NameNormalizer.quote(table))", dataset: dataset).first?.first?
            .flatMap { Int($0) }
    }

    func tableExists(_ table: String, dataset: String = "demo") throws -> Bool {
        let sql =
            backend == .sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = \(SQLLiteral.string(table))"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = \(SQLLiteral.string(dataset)) "
                + "AND table_name = \(SQLLiteral.string(table))"
        return try query(sql, dataset: dataset).first?.first == "1"
    }

    /// A boolean as this backend prints it.
    func bool(_ flag: Bool) -> String {
        backend == .sqlite ? (flag ? "1" : "0") : (flag ? "t" : "f")
    }
}

/// `SQLITE_ROW`.
let sqliteRow: Int32 = 100

/// Expects a `LoadError` with `code` from `body`; returns it.
@discardableResult
func expectLoadError(
    _ code: LoadError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) -> LoadError? {
    do {
        try body()
        Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as LoadError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a LoadError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
