import DltafJSON
import DltafSecrets
import Synchronization
import Testing

/// A transport answering from a table of URL → (status, body), recording the requests.
final class FakeTransport: VaultTransport {
    let answers: [String: (Int, String)]
    let failure: VaultTransportError?
    let requests = Mutex<[VaultHTTPRequest]>([])

    init(_ answers: [String: (Int, String)] = [:], failure: VaultTransportError? = nil) {
        self.answers = answers
        self.failure = failure
    }

    func get(_ request: VaultHTTPRequest) async throws(VaultTransportError) -> VaultHTTPResponse {
        requests.withLock { $0.append(request) }
        if let failure { throw failure }
        let (status, body) = answers[request.url] ?? (404, #"{"errors":[]}"#)
        return VaultHTTPResponse(status: status, body: Array(body.utf8))
    }

    var urls: [String] { requests.withLock { $0.map(\.url) } }
}

@Suite("Vault KV reads over HTTP: v1, v2, version detection, errors")
struct VaultKVReaderTests {
    let settings = VaultSettings(address: "http://127.0.0.1:8200/", token: "tok-123456", namespace: "team")

    @Test("KV v2 reads data.data from /v1/<mount>/data/<path> with the token and namespace headers")
    func kv2() async throws {
        let transport = FakeTransport([
            "http://127.0.0.1:8200/v1/secret/data/app/db": (200, #"{"data":{"data":{"password":"pw"},"metadata":{}}}"#)
        ])
        let reader = VaultKVReader(settings: settings, transport: transport)
        let secret = try await reader.read(VaultReference(mount: "secret", path: "app/db", kvVersion: 2))
        #expect(secret == ["password": "pw"])
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.headers.contains { $0.name == "X-Vault-Token" && $0.value == "tok-123456" })
        #expect(request.headers.contains { $0.name == "X-Vault-Namespace" && $0.value == "team" })
        #expect(request.timeoutSeconds == 10)
    }

    @Test("KV v1 reads data from /v1/<mount>/<path>")
    func kv1() async throws {
        let transport = FakeTransport(["http://127.0.0.1:8200/v1/kv/app": (200, #"{"data":{"user":"u"}}"#)])
        let reader = VaultKVReader(settings: settings, transport: transport)
        #expect(try await reader.read(VaultReference(mount: "kv", path: "app", kvVersion: 1)) == ["user": "u"])
    }

    @Test("without kv_version the mount's version is asked; unknown means v1, as in the Python dltaf")
    func detection() async throws {
        let transport = FakeTransport([
            "http://127.0.0.1:8200/v1/sys/internal/ui/mounts/secret": (
                200, #"{"data":{"type":"kv","options":{"version":"2"}}}"#
            ),
            "http://127.0.0.1:8200/v1/secret/data/a": (200, #"{"data":{"data":{"k":"v2"}}}"#),
            "http://127.0.0.1:8200/v1/kv/a": (200, #"{"data":{"k":"v1"}}"#),
        ])
        let reader = VaultKVReader(settings: settings, transport: transport)
        #expect(try await reader.read(VaultReference(mount: "secret", path: "a")) == ["k": "v2"])
        #expect(try await reader.read(VaultReference(mount: "kv", path: "a")) == ["k": "v1"])
        #expect(
            transport.urls == [
                "http://127.0.0.1:8200/v1/sys/internal/ui/mounts/secret", "http://127.0.0.1:8200/v1/secret/data/a",
                "http://127.0.0.1:8200/v1/sys/internal/ui/mounts/kv", "http://127.0.0.1:8200/v1/kv/a",
            ])
    }

    @Test("path segments are percent-encoded, slashes kept")
    func encoding() async throws {
        let transport = FakeTransport()
        let reader = VaultKVReader(settings: settings, transport: transport)
        _ = try? await reader.read(VaultReference(mount: "kv", path: "team a/db?x", kvVersion: 1))
        #expect(transport.urls == ["http://127.0.0.1:8200/v1/kv/team%20a/db%3Fx"])
    }

    @Test(
        arguments: [
            (
                403, #"{"errors":["permission denied"]}"#, VaultError.Kind.permissionDenied,
                "HTTP 403: permission denied (check VAULT_TOKEN"
            ),
            (404, #"{"errors":[]}"#, .notFound, "HTTP 404: secret not found"),
            (500, #"{"errors":["internal error"]}"#, .http, "HTTP 500: internal error"),
            (200, "not json", .invalidResponse, "the answer is not JSON"),
            (200, #"{"data":{"data":null}}"#, .invalidResponse, "holds no data.data mapping"),
        ] as [(Int, String, VaultError.Kind, String)])
    func statusErrors(status: Int, body: String, kind: VaultError.Kind, message: String) async throws {
        let transport = FakeTransport(["http://127.0.0.1:8200/v1/secret/data/x": (status, body)])
        let reader = VaultKVReader(settings: settings, transport: transport)
        do {
            _ = try await reader.read(VaultReference(mount: "secret", path: "x", kvVersion: 2))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == kind)
            #expect(error.description.hasPrefix("Vault secret secret:x: "))
            #expect(error.description.contains(message), "\(error)")
            #expect(!error.description.contains("tok-123456"))
        }
    }

    @Test("transport failures: unreachable and timeout name the server and the timeout")
    func transportErrors() async throws {
        let reference = VaultReference(mount: "s", path: "p", kvVersion: 1)
        let down = VaultKVReader(
            settings: settings,
            transport: FakeTransport(failure: VaultTransportError(isTimeout: false, message: "refused")))
        await #expect {
            try await down.read(reference)
        } throws: { error in
            (error as? VaultError)?.kind == .unreachable
                && "\(error)".contains("cannot reach Vault at http://127.0.0.1:8200: refused")
        }
        let slow = VaultKVReader(
            settings: settings,
            transport: FakeTransport(failure: VaultTransportError(isTimeout: true, message: "timed out")))
        await #expect {
            try await slow.read(reference)
        } throws: { error in
            (error as? VaultError)?.kind == .timeout && "\(error)".contains("within 10s")
        }
    }

    @Test("missing address or token is reported before any request")
    func notConfigured() async throws {
        let transport = FakeTransport()
        for settings in [
            VaultSettings(address: nil, token: "t"), VaultSettings(address: "http://x", token: nil),
            VaultSettings(address: "ftp://x", token: "t"),
        ] {
            let reader = VaultKVReader(settings: settings, transport: transport)
            await #expect {
                try await reader.read(VaultReference(mount: "s", path: "p"))
            } throws: { error in
                (error as? VaultError)?.kind == .notConfigured
            }
        }
        #expect(transport.urls.isEmpty)
    }

    @Test("settings from the environment: aliases, timeout, TLS")
    func settingsFromEnvironment() {
        let settings = VaultSettings(environment: [
            "VAULT_ADDRESS": "https://vault:8200/", "AIRFLOW_VAR_VAULT_TOKEN": "from-airflow", "VAULT_TIMEOUT": "2.5",
            "VAULT_SKIP_VERIFY": "true", "VAULT_CACERT": "/etc/ca.pem",
        ])
        #expect(settings.address == "https://vault:8200")
        #expect(settings.token == "from-airflow")
        #expect(settings.timeoutSeconds == 2.5)
        #expect(!settings.verifyTLS)
        #expect(settings.caFile == "/etc/ca.pem")
        let flag = VaultSettings(environment: ["VAULT_ADDR": "http://a", "VAULT_TIMEOUT": "2"], timeoutSeconds: 7)
        #expect(flag.timeoutSeconds == 7)
        #expect(VaultSettings(environment: ["VAULT_TIMEOUT": "soon"]).timeoutSeconds == 10)
        #expect(
            VaultSettings(environment: ["VAULT_ADDR": "http://a", "VAULT_ADDRESS": "http://b"]).address == "http://a")
    }
}
