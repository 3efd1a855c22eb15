public import DltafProtocol

/// Why a load request could not be served: the `code`, `category` and `retryable` of PROTOCOL.md §8.3, and a
/// message that names the stream (and column) but never a password or a connection string.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codes of PROTOCOL.md §8.3: the protocol's own enumeration, so loader and wire cannot drift.
    public typealias Code = DataErrorCode

    /// What went wrong.
    public var code: Code
    /// Whether the same request may succeed later (a lost connection, a deadlock); never for data errors.
    public var retryable: Bool
    /// For people: names the stream and column; free of secrets.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }

    /// `DATA` or `CONNECTIVITY`.
    public var category: String { code.category.rawValue }

    public var description: String { "\(code.rawValue): \(message)" }
}
