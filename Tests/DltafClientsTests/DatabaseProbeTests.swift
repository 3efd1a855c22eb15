import DltafTestSupport
import Foundation
import Testing

@testable import DltafClients

@Suite("PostgresProbe against a real server")
struct PostgresProbeTests {
    @Test("connect + SELECT 1 works with the right password; a wrong one fails without echoing it")
    func realServer() async throws {
        try await LocalPostgres.with { server in
            let good = await PostgresProbe.check(
                PostgresProbe.Target(
                    host: "127.0.0.1", port: server.port, user: server.user, password: server.password,
                    dbname: server.database),
                timeoutSeconds: 10)
            #expect(good.ok, "\(good.error?.description ?? "")\n\(server.log)")
            #expect(good.version?.isEmpty == false)
            #expect(good.latencyMilliseconds > 0)

            let wrong = "Wr0ng-Pa55word"
            let bad = await PostgresProbe.check(
                PostgresProbe.Target(
                    host: "127.0.0.1", port: server.port, user: server.user, password: wrong, dbname: server.database),
                timeoutSeconds: 10)
            #expect(!bad.ok)
            #expect(bad.error?.kind == .connection)
            #expect(bad.error?.message.contains("password authentication failed") == true)
            #expect(bad.error?.description.contains(wrong) == false)

            let uri = "postgresql://\(server.user):\(server.password)@127.0.0.1:\(server.port)/\(server.database)"
            let viaURI = await PostgresProbe.check(PostgresProbe.Target(conninfo: uri), timeoutSeconds: 10)
            #expect(viaURI.ok, "\(viaURI.error?.description ?? "")")

            let badKeywords = "host=127.0.0.1 port=\(server.port) user=\(server.user) password='\(wrong)' dbname=nope"
            let missingDatabase = await PostgresProbe.check(
                PostgresProbe.Target(conninfo: badKeywords), timeoutSeconds: 10)
            #expect(!missingDatabase.ok)
            #expect(missingDatabase.error?.description.contains(wrong) == false)
        }
    }

    @Test("a closed port is a connection error; a silent server is a timeout")
    func unreachable() async throws {
        let port = try freeLoopbackPort()
        let refused = await PostgresProbe.check(
            PostgresProbe.Target(host: "127.0.0.1", port: port, user: "x", password: "y"), timeoutSeconds: 5)
        #expect(refused.error?.kind == .connection)

        // A listener that never answers: the deadline must end the probe.
        let silent = try LoopbackListener()
        defer { silent.close() }
        let timedOut = await PostgresProbe.check(
            PostgresProbe.Target(host: "127.0.0.1", port: silent.port, user: "x", password: "y"),
            timeoutSeconds: 0.5)
        #expect(timedOut.error?.kind == .timeout, "\(timedOut.error?.description ?? "ok")")
    }

    @Test("passwords are found in connection strings and URIs")
    func conninfoSecrets() {
        #expect(
            ConninfoSecrets.passwords(in: "host=a password='p w\\'x' user=b")
                == ["p w'x"])
        #expect(ConninfoSecrets.passwords(in: "host=a password = plain user=b") == ["plain"])
        #expect(ConninfoSecrets.passwords(in: "postgresql://u:s3cret@h:5432/db?sslmode=disable") == ["s3cret"])
        #expect(ConninfoSecrets.passwords(in: "postgres://h/db?password=q1&user=u") == ["q1"])
    }
}

@Suite("SQLiteProbe")
struct SQLiteProbeTests {
    @Test("a real database is opened read-only and its schema counted")
    func ok() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = workspace.path("db.sqlite")
        let made = try await runProcess(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(x)'); "
                    + "c.execute('create index i on t(x)'); c.commit()", path,
            ])
        #expect(made.status == 0, "\(made.stderr)")
        let result = await SQLiteProbe.check(path: path, timeoutSeconds: 5)
        #expect(result.ok, "\(result.error?.description ?? "")")
        #expect(result.schemaObjects == 2)
        #expect(result.version?.hasPrefix("3.") == true)
    }

    @Test("a corrupt file is a query error; a missing one a connection error")
    func failures() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let corrupt = try workspace.write("bad.sqlite", String(repeating: "not a database at all ", count: 100))
        let bad = await SQLiteProbe.check(path: corrupt, timeoutSeconds: 5)
        #expect(bad.error?.kind == .query)
        #expect(bad.error?.message.contains("not a database") == true)
        let missing = await SQLiteProbe.check(path: workspace.path("absent.sqlite"), timeoutSeconds: 5)
        #expect(missing.error?.kind == .connection)
    }
}
