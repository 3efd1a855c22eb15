/// Why a `data/*` request could not be served (PROTOCOL.md §8.3): the `code` in the error's `data`, with its
/// category and whether trying again may help.
public enum DataErrorCode: String, Sendable, CaseIterable {
    /// `data/write` for a stream that was never opened.
    case streamNotOpen = "stream_not_open"
    /// `data/open` twice for one stream.
    case streamAlreadyOpen = "stream_already_open"
    /// A `file.path` that is not a regular file directly inside `spool_dir`.
    case fileOutsideSpool = "file_outside_spool"
    /// A row wider or narrower than `columns`, or a malformed file line.
    case badRows = "bad_rows"
    /// A new column, or a value that does not fit its column, under the `freeze` contract.
    case schemaContract = "schema_contract"
    /// The destination went away or refused the write.
    case destinationFailed = "destination_failed"
    /// A `data/*` request outside a `runner/run` call.
    case noRun = "no_run"

    /// The taxonomy category the error carries.
    public var category: ErrorCategory {
        self == .destinationFailed ? .connectivity : .data
    }

    /// Whether trying again may help.
    public var retryable: Bool {
        self == .destinationFailed
    }

    /// The JSON-RPC error for this code; `message` should name the stream (and column).
    public func error(_ message: String) -> RPCError {
        HandlerFailure(category: category, code: rawValue, retryable: retryable).error(message)
    }

    /// The code an error carries in its `data`, if it is one of these.
    public init?(error: RPCError) {
        guard let raw = HandlerFailure(data: error.data).code, let code = DataErrorCode(rawValue: raw) else {
            return nil
        }
        self = code
    }
}
