/// One GET request to Vault.
public struct VaultHTTPRequest: Sendable {
    /// The full URL.
    public var url: String
    /// Header names and values (the token among them: never log them).
    public var headers: [(name: String, value: String)]
    /// Seconds the request may take.
    public var timeoutSeconds: Double
    /// Whether the server's certificate is verified.
    public var verifyTLS: Bool
    /// Extra CA certificates (PEM).
    public var caFile: String?

    /// Creates a request.
    public init(
        url: String, headers: [(name: String, value: String)], timeoutSeconds: Double, verifyTLS: Bool = true,
        caFile: String? = nil
    ) {
        self.url = url
        self.headers = headers
        self.timeoutSeconds = timeoutSeconds
        self.verifyTLS = verifyTLS
        self.caFile = caFile
    }
}

/// Vault's answer: any status is an answer.
public struct VaultHTTPResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why a request got no answer.
public struct VaultTransportError: Error, Sendable {
    /// No answer within the timeout.
    public var isTimeout: Bool
    /// What happened (never header values).
    public var message: String

    /// Creates an error.
    public init(isTimeout: Bool, message: String) {
        self.isTimeout = isTimeout
        self.message = message
    }
}

/// Sends GET requests to Vault. `CurlVaultTransport` is the real one; tests inject fakes.
public protocol VaultTransport: Sendable {
    /// Sends `request` and returns the answer, whatever its status.
    func get(_ request: VaultHTTPRequest) async throws(VaultTransportError) -> VaultHTTPResponse
}
