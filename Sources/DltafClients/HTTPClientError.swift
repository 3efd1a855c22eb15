/// Why an HTTP request got no answer. The message never holds header values (tokens) or request bodies.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The family of the failure.
    public enum Kind: String, Sendable {
        /// `libcurl.so.4` is not installed; `message` is the `dependency_missing: ...` text.
        case libraryMissing = "dependency_missing"
        /// Connecting, DNS, TLS or protocol errors.
        case transport
        /// No complete answer within the timeout.
        case timeout
        /// The URL is malformed or not http(s).
        case invalidURL = "invalid_url"
        /// A header name or value holds a line break or NUL, or another argument is unusable.
        case invalidRequest = "invalid_request"
        /// The calling task was cancelled.
        case cancelled
    }

    /// The family of the failure.
    public var kind: Kind
    /// What happened, for people.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message; for a missing library it already starts with `dependency_missing:`.
    public var description: String {
        kind == .libraryMissing ? message : "\(kind.rawValue): \(message)"
    }
}
