import DltafJSON
import DltafManifest
import DltafSecrets
import DltafTestSupport
import Foundation
import Testing

/// Against a real OpenBao dev server (KV v2 at `secret/`, KV v1 at `kv1/`), through dltaf's HTTP client.
@Suite("Vault over HTTP against a real OpenBao server", .serialized)
struct OpenBaoTests {
    /// A reader for `server` with `token` (the root token by default).
    func reader(_ server: OpenBaoServer, token: String? = nil, timeout: Double = 10) -> VaultKVReader {
        VaultKVReader(
            settings: VaultSettings(address: server.address, token: token ?? server.token, timeoutSeconds: timeout),
            transport: CurlVaultTransport())
    }

    @Test("KV v2 and v1, with and without kv_version; connections resolve into env with provenance")
    func readsBothVersions() async throws {
        try await OpenBaoServer.with { server in
            try await server.enableKV1(at: "kv1")
            try await server.put(
                mount: "secret", path: "app/pg",
                [
                    "drivername": "postgresql", "host": "pg.internal", "port": "5432", "user": "loader",
                    "password": "pg-Secret-1",
                ])
            try await server.put(
                mount: "kv1", path: "app/ch", ["host": "ch.internal", "database": "raw", "password": "ch-Secret-2"])
            let vault = reader(server)
            let v2 = try await vault.read(VaultReference(mount: "secret", path: "app/pg"))
            #expect(v2["password"] == "pg-Secret-1")
            #expect(try await vault.read(VaultReference(mount: "secret", path: "app/pg", kvVersion: 2)) == v2)
            let v1 = try await vault.read(VaultReference(mount: "kv1", path: "app/ch"))
            #expect(v1 == ["database": "raw", "host": "ch.internal", "password": "ch-Secret-2"])
            #expect(try await vault.read(VaultReference(mount: "kv1", path: "app/ch", kvVersion: 1)) == v1)

            let loaded = try manifest(
                connections: """
                    source: {kind: postgres, vault: "vault://secret/app/pg"}
                    destination: {kind: clickhouse, vault: {mount_point: kv1, path: app/ch, kv_version: 1}}
                    """)
            let resolver = ConnectionResolver(vault: vault, airflow: AirflowVariables(environment: [:]))
            let resolution = try await resolver.resolve(loaded)
            let environment = resolution.environment
            #expect(environment.values["SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD"] == "pg-Secret-1")
            #expect(environment.values["SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME"] == "loader")
            #expect(environment.values["DESTINATION__CLICKHOUSE__CREDENTIALS__HOST"] == "ch.internal")
            #expect(environment.sources["SOURCES__SQL_DATABASE__CREDENTIALS__HOST"] == "vault:secret:app/pg")
            #expect(environment.sources["DESTINATION__CLICKHOUSE__CREDENTIALS__PASSWORD"] == "vault:kv1:app/ch")
            #expect(Set(environment.secretValues) == ["pg-Secret-1", "ch-Secret-2"])
            #expect(resolution.warnings.isEmpty)
        }
    }

    @Test("a wrong token: a clear error naming the slot and the reference, without the token")
    func wrongToken() async throws {
        try await OpenBaoServer.with { server in
            try await server.put(mount: "secret", path: "app/pg", ["host": "h"])
            let wrongToken = "wrong-token-\(UUID().uuidString)"
            let resolver = ConnectionResolver(
                vault: reader(server, token: wrongToken), airflow: AirflowVariables(environment: [:]))
            let loaded = try manifest(connections: "source: {kind: postgres, vault: \"secret:app/pg\"}")
            do throws(SecretsError) {
                _ = try await resolver.resolve(loaded)
                Issue.record("expected a permission error")
            } catch {
                #expect(error.category == .auth)
                #expect(error.code == "vault_permission_denied")
                #expect(
                    error.message.contains(
                        "connections.source: Vault secret secret:app/pg: HTTP 403: permission denied"))
                #expect(!error.message.contains(wrongToken))
                #expect(!error.message.contains(server.token))
            }
        }
    }

    @Test("a missing path: secret not found")
    func missingPath() async throws {
        try await OpenBaoServer.with { server in
            let vault = reader(server)
            do throws(VaultError) {
                _ = try await vault.read(VaultReference(mount: "secret", path: "no/such"))
                Issue.record("expected not found")
            } catch {
                #expect(error.kind == .notFound)
                #expect(error.description.contains("Vault secret secret:no/such: HTTP 404: secret not found"))
            }
        }
    }

    @Test("a server that is down: a connectivity error; one that never answers: a timeout")
    func serverDown() async throws {
        let port = try freeLoopbackPort()
        let down = VaultKVReader(
            settings: VaultSettings(address: "http://127.0.0.1:\(port)", token: "t", timeoutSeconds: 5),
            transport: CurlVaultTransport())
        do throws(VaultError) {
            _ = try await down.read(VaultReference(mount: "secret", path: "x", kvVersion: 2))
            Issue.record("expected a connectivity error")
        } catch {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("cannot reach Vault at http://127.0.0.1:\(port)"))
        }
        let silent = try LoopbackListener()
        defer { silent.close() }
        let slow = VaultKVReader(
            settings: VaultSettings(address: "http://127.0.0.1:\(silent.port)", token: "t", timeoutSeconds: 0.5),
            transport: CurlVaultTransport())
        do throws(VaultError) {
            _ = try await slow.read(VaultReference(mount: "secret", path: "x", kvVersion: 2))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.description.contains("no answer from http://127.0.0.1:\(silent.port) within 0.5s"))
        }
    }
}
