/// Why a load request could not be served: the `code`, `category` and `retryable` of PROTOCOL.md §8.3, and a
/// message that names the stream (and column) but never a password or a connection string.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codes of PROTOCOL.md §8.3.
    public enum Code: String, Sendable, CaseIterable {
        /// `data/write` for a stream that was never opened.
        case streamNotOpen = "stream_not_open"
        /// `data/open` twice for one stream.
        case streamAlreadyOpen = "stream_already_open"
        /// A file that is not a regular file directly inside the spool folder.
        case fileOutsideSpool = "file_outside_spool"
        /// A row wider or narrower than its columns, a malformed file line, a value no destination can hold.
        case badRows = "bad_rows"
        /// A new column or a value that does not fit its column under the `freeze` contract.
        case schemaContract = "schema_contract"
        /// The destination went away or refused the write.
        case destinationFailed = "destination_failed"
        /// A request after the session finished or aborted.
        case noRun = "no_run"

        /// `DATA` or `CONNECTIVITY`.
        public var category: String { self == .destinationFailed ? "CONNECTIVITY" : "DATA" }
    }

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
    public var category: String { code.category }

    public var description: String { "\(code.rawValue): \(message)" }
}
