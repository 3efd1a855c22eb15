public import DltafProtocol

/// A `data/*` request the host could not serve (PROTOCOL.md §8.3), or one the SDK refused before sending.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request: `data/open`, `data/write` or `data/checkpoint`.
    public var method: String
    /// What went wrong, naming the stream (and column).
    public var message: String
    /// The stable code (`stream_not_open`, `bad_rows`, ...), when the error carries one.
    public var code: String?
    /// The taxonomy category.
    public var category: ErrorCategory
    /// Whether trying again may help.
    public var retryable: Bool
    /// The JSON-RPC error code of the answer (`-32000` for a refused request).
    public var rpcCode: Int

    /// Creates an error.
    public init(
        method: String, message: String, code: String?, category: ErrorCategory, retryable: Bool,
        rpcCode: Int = RPCErrorCode.handlerFailed
    ) {
        self.method = method
        self.message = message
        self.code = code
        self.category = category
        self.retryable = retryable
        self.rpcCode = rpcCode
    }

    /// An error with one of the protocol's data codes.
    public init(method: String, _ code: DataErrorCode, _ message: String) {
        self.init(
            method: method, message: message, code: code.rawValue, category: code.category,
            retryable: code.retryable)
    }

    /// The host's error answer to `method`.
    public init(method: String, answer: RPCError) {
        let failure = HandlerFailure(data: answer.data)
        self.init(
            method: method, message: answer.message, code: failure.code, category: failure.category ?? .unknown,
            retryable: failure.retryable, rpcCode: answer.code)
    }

    /// The code as one of the protocol's, if it is one.
    public var dataCode: DataErrorCode? { code.flatMap(DataErrorCode.init(rawValue:)) }

    /// The error the runner's call fails with when this one escapes the handler: `-32000` with the same data.
    public var rpcError: RPCError {
        HandlerFailure(category: category, code: code, retryable: retryable).error("\(method): \(message)")
    }

    public var description: String { "\(method): \(message)" }
}
