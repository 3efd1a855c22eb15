public import DltafJSON

/// The `data` of a `-32000` (handler failed) error: the taxonomy category, a stable code and whether trying
/// again may help (PROTOCOL.md §3.4, §8.3).
public struct HandlerFailure: Sendable, Equatable {
    /// The category; nil when the error gives none or one this build does not know.
    public var category: ErrorCategory?
    /// A stable code (`source_unreadable`, `stream_not_open`, ...).
    public var code: String?
    /// Whether trying again may help.
    public var retryable: Bool

    /// Creates failure data.
    public init(category: ErrorCategory?, code: String? = nil, retryable: Bool = false) {
        self.category = category
        self.code = code
        self.retryable = retryable
    }

    /// The JSON form (the error's `data`).
    public var json: JSONValue {
        var object: JSONObject = [
            "category": .string((category ?? .unknown).rawValue), "retryable": .bool(retryable),
        ]
        if let code { object["code"] = .string(code) }
        return .object(object)
    }

    /// Reads an error's `data` leniently: members that are absent or of another type read as nil (`false`).
    public init(data: JSONValue?) {
        category = data?["category"]?.stringValue.flatMap(ErrorCategory.init(rawValue:))
        code = data?["code"]?.stringValue
        retryable = data?["retryable"]?.boolValue ?? false
    }

    /// The `-32000` error with this data.
    public func error(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.handlerFailed, message: message, data: json)
    }
}
