import DltafClients

/// The real transport: `DltafClients.HTTPClient` (libcurl, opened on first use).
public struct CurlVaultTransport: VaultTransport {
    /// A secret's answer is small; more than this is not a KV read.
    static let maxBodyBytes = 1 << 20

    /// Creates the transport.
    public init() {}

    public func get(_ request: VaultHTTPRequest) async throws(VaultTransportError) -> VaultHTTPResponse {
        do {
            let response = try await HTTPClient.send(
                method: "GET", url: request.url, headers: request.headers.map { ($0.name, $0.value) },
                timeoutSeconds: request.timeoutSeconds, verifyTLS: request.verifyTLS, caFile: request.caFile,
                maxBodyBytes: Self.maxBodyBytes)
            return VaultHTTPResponse(status: response.status, body: response.body)
        } catch {
            throw VaultTransportError(isTimeout: error.kind == .timeout, message: error.description)
        }
    }
}
