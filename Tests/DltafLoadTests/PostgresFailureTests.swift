import DltafJSON
import DltafProtocol
import DltafTestSupport
import Testing

@testable import DltafLoad

@Suite("PostgreSQL going away")
struct PostgresFailureTests {
    @Test("a killed connection mid-load is destination_failed, retryable, and nothing of the checkpoint is committed")
    func connectionKilled() async throws {
        try await Backend.postgres.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "s"))
            try session.write(stream: "s", columns: ["id"], rows: [[1], [2]])
            _ = try session.checkpoint(state: ["offset": 2])
            try session.write(stream: "s", columns: ["id"], rows: (3...5000).map { [.int($0)] })
            // What a server restart or a network cut does to this connection.
            _ = try harness.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dltaf' "
                    + "AND pid <> pg_backend_pid()")
            let error = expectLoadError(.destinationFailed) {
                try session.write(stream: "s", columns: ["id"], rows: [[5001]])
                _ = try session.checkpoint(state: ["offset": 5001])
            }
            #expect(error?.retryable == true)
            #expect(error?.category == "CONNECTIVITY")
            session.abort()
            #expect(try harness.count("s") == 2)
            let later = try harness.session(loadID: "load-2")
            #expect(try later.committedState().pipeline == ["offset": 2])
            later.abort()
        }
    }

    @Test("a server stopped mid-load is destination_failed and retryable; the password is never in messages")
    func serverStopped() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let server = try await LocalPostgres.start()
        let harness = Harness(backend: .postgres, workspace: workspace, server: server)
        let session: LoadSession
        do {
            session = try harness.session()
            try session.open(StreamDeclaration(stream: "s"))
            try session.write(stream: "s", columns: ["id"], rows: [[1]])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        let error = expectLoadError(.destinationFailed) {
            try session.write(stream: "s", columns: ["id"], rows: (2...100_000).map { [.int($0)] })
            _ = try session.checkpoint(state: ["offset": 2])
        }
        #expect(error?.retryable == true)
        #expect(error?.message.contains(server.password) == false)
        session.abort()

        let refused = expectLoadError(.destinationFailed) { _ = try harness.session() }
        #expect(refused?.retryable == true)
        #expect(refused?.message.contains(server.password) == false)
    }

    @Test("a wrong password is destination_failed without the password or the conninfo in the message")
    func wrongPassword() async throws {
        try await LocalPostgres.with { server in
            let secret = "S3cret-Wr0ng-pw"
            let configuration = PostgresConfiguration(
                host: "127.0.0.1", port: server.port, user: server.user, password: secret, database: server.database,
                dataset: "demo")
            let error = expectLoadError(.destinationFailed) {
                _ = try LoadSession(destination: .postgres(configuration), pipeline: "p", loadID: "l")
            }
            #expect(error?.message.contains("password authentication failed") == true)
            #expect(error?.message.contains(secret) == false)
            #expect(error?.message.contains("password=") == false)
        }
    }
}
