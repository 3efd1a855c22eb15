import DltafJSON

/// Hides secret values before anything is shown or stored.
///
/// By key: a mapping member whose name looks sensitive (the Python dltaf's list: password, secret, token,
/// authorization, cookie, api_key, private_key, ...) has its value replaced wholesale.
public struct Redactor: Sendable {
    /// What replaces a secret.
    public static let placeholder = "***redacted***"

    /// Fragments that make a key sensitive (matched case-insensitively as substrings).
    static let sensitiveFragments = [
        "pass", "pwd", "secret", "token", "bearer", "authorization", "cookie", "session", "api_key", "api-key",
        "apikey", "private_key", "ssl_key", "cert", "sasl", "credential",
    ]

    /// Creates a redactor.
    public init() {}

    /// Whether a key names a secret.
    public static func isSensitiveKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return sensitiveFragments.contains { lowered.contains($0) }
    }

    /// `value` with every sensitive member's value replaced.
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object {
                result.appendUnchecked(
                    key: key, value: Self.isSensitiveKey(key) ? .string(Self.placeholder) : redact(member))
            }
            return .object(result)
        case .array(let items): return .array(items.map(redact))
        default: return value
        }
    }
}
