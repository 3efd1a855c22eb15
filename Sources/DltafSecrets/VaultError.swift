/// Why a Vault secret could not be read. Messages name the reference, the HTTP status and Vault's own error
/// text; never the token.
public struct VaultError: Error, Sendable, CustomStringConvertible {
    /// The family of the failure.
    public enum Kind: String, Sendable {
        /// `VAULT_ADDR` or `VAULT_TOKEN` is not set, or the address is not http(s).
        case notConfigured = "not_configured"
        /// The server could not be reached (refused, DNS, TLS).
        case unreachable
        /// No answer within the timeout.
        case timeout
        /// 401 or 403: a wrong or expired token, or a policy that does not allow the read.
        case permissionDenied = "permission_denied"
        /// 404: no secret at that path (or its latest version is deleted).
        case notFound = "not_found"
        /// Another status.
        case http
        /// The answer is not the JSON a KV read returns.
        case invalidResponse = "invalid_response"
    }

    /// The family of the failure.
    public var kind: Kind
    /// The secret asked for.
    public var reference: VaultReference
    /// The HTTP status, when Vault answered.
    public var status: Int?
    /// What happened, for people.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, reference: VaultReference, status: Int? = nil, message: String) {
        self.kind = kind
        self.reference = reference
        self.status = status
        self.message = message
    }

    /// `Vault secret secret:app/db: HTTP 403: permission denied (...)`.
    public var description: String {
        "Vault secret \(reference): " + (status.map { "HTTP \($0): " } ?? "") + message
    }
}
