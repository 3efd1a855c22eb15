import DltafLoad
import DltafSQLDB
import DltafTestSupport
import Testing

/// One throwaway MariaDB server for a whole suite (starting one takes seconds): the trait starts it around the
/// suite and stops it afterwards; tests reach it through `MariaDBTestServer.current`.
struct MariaDBTestServer: SuiteTrait, TestScoping {
    @TaskLocal static var current: LocalMariaDB?

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await LocalMariaDB.with { server in
            try await Self.$current.withValue(server) { try await function() }
        }
    }

    /// The server of the running suite.
    static func server() throws -> LocalMariaDB {
        try #require(current, "the suite needs the .mariaDB trait")
    }

    /// A source connected to the suite's server as its user.
    static func source(password: String? = nil) throws(SQLSourceError) -> MariaDBSource {
        guard let server = current else { throw SQLSourceError(.connectivity, "no test server") }
        return try MariaDBSource(
            host: server.host, port: server.port, user: server.user, password: password ?? server.password,
            database: server.database, connectTimeoutSeconds: 5)
    }
}

extension Trait where Self == MariaDBTestServer {
    /// Runs the suite against one throwaway MariaDB server.
    static var mariaDB: Self { MariaDBTestServer() }
}
