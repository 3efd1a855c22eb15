import DltafClients
import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("HTTPClient sends requests through the dlopen'ed libcurl")
struct HTTPClientTests {
    @Test("GET returns status, headers, body and a latency")
    func getOK() async throws {
        let server = try await LocalHTTPServer.start()
        do {
            let response = try await HTTPClient.send(url: server.baseURL + "/echo", timeoutSeconds: 5)
            #expect(response.status == 200)
            #expect(response.header("x-echo") == "yes")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.elapsedMilliseconds > 0)
            let echoed = try JSONParser.parse(response.text)
            #expect(echoed["method"] == "GET")
            #expect(echoed["headers"]?["user-agent"] == "dltaf")
        }
        await server.stop()
    }

    @Test("POST sends the headers and the body")
    func postWithBody() async throws {
        let server = try await LocalHTTPServer.start()
        do {
            let response = try await HTTPClient.send(
                method: "POST", url: server.baseURL + "/echo",
                headers: [("X-Vault-Token", "s.secret"), ("Content-Type", "application/json")],
                body: Array(#"{"role":"etl"}"#.utf8), timeoutSeconds: 5)
            let echoed = try JSONParser.parse(response.text)
            #expect(echoed["method"] == "POST")
            #expect(echoed["headers"]?["x-vault-token"] == "s.secret")
            #expect(echoed["body"] == #"{"role":"etl"}"#)
        }
        await server.stop()
    }

    @Test("error statuses are answers, not errors")
    func statusCodes() async throws {
        let server = try await LocalHTTPServer.start()
        do {
            for code in [204, 404, 503] {
                let response = try await HTTPClient.send(url: server.baseURL + "/status/\(code)", timeoutSeconds: 5)
                #expect(response.status == code)
            }
            let head = try await HTTPClient.send(method: "HEAD", url: server.baseURL + "/status/200", timeoutSeconds: 5)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
        await server.stop()
    }

    @Test("a body over the limit is cut and flagged")
    func bodyCap() async throws {
        let server = try await LocalHTTPServer.start()
        do {
            let response = try await HTTPClient.send(
                url: server.baseURL + "/bytes/100000", timeoutSeconds: 5, maxBodyBytes: 1000)
            #expect(response.status == 200)
            #expect(response.body.count == 1000)
            #expect(response.bodyTruncated)
            let whole = try await HTTPClient.send(url: server.baseURL + "/bytes/1000", timeoutSeconds: 5)
            #expect(whole.body.count == 1000)
            #expect(!whole.bodyTruncated)
        }
        await server.stop()
    }

    @Test("connection refused is a transport error")
    func refused() async throws {
        let port = try freeLoopbackPort()
        await #expect {
            try await HTTPClient.send(url: "http://127.0.0.1:\(port)/", timeoutSeconds: 5)
        } throws: { error in
            (error as? HTTPClientError)?.kind == .transport
        }
    }

    @Test("no answer within the timeout is a timeout error")
    func timeout() async throws {
        let server = try await LocalHTTPServer.start()
        let error = await failure {
            try await HTTPClient.send(url: server.baseURL + "/slow?seconds=5", timeoutSeconds: 0.3)
        }
        #expect(error?.kind == .timeout)
        #expect(error?.description.hasPrefix("timeout: no answer within 0.3s") == true)
        await server.stop()
    }

    @Test("bad URLs and header values are refused before any traffic, without echoing the value")
    func invalidInput() async {
        await #expect {
            try await HTTPClient.send(url: "ftp://127.0.0.1/", timeoutSeconds: 1)
        } throws: { ($0 as? HTTPClientError)?.kind == .invalidURL }
        await #expect {
            try await HTTPClient.send(
                url: "http://127.0.0.1:1/", headers: [("Authorization", "Bearer tok\r\nX: y")], timeoutSeconds: 1)
        } throws: { error in
            guard let error = error as? HTTPClientError else { return false }
            return error.kind == .invalidRequest && !error.description.contains("tok")
        }
    }

    @Test("a cancelled task stops the transfer")
    func cancellation() async throws {
        let server = try await LocalHTTPServer.start()
        let task = Task {
            try await HTTPClient.send(url: server.baseURL + "/slow?seconds=20", timeoutSeconds: 30)
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let error = await failure { try await task.value }
        #expect(error?.kind == .cancelled)
        await server.stop()
    }

    @Test("the missing-library message names the soname and the Debian package")
    func missingLibraryMessage() {
        #expect(
            ClientLibrary.postgres.missingMessage
                == "dependency_missing: libpq.so.5 not found (install Debian package libpq5)")
        #expect(ClientLibrary.curl.isAvailable)
    }
}

/// The error `body` throws, or nil.
func failure(_ body: () async throws -> HTTPResponse) async -> HTTPClientError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? HTTPClientError
    }
}
