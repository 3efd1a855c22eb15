/// The error categories of the protocol (PROTOCOL.md §3.4 `data.category`) and of dltaf's result documents.
public enum ErrorCategory: String, Sendable, CaseIterable {
    // Each case is the category's name on the wire, in result documents and in audit rows.
    case config = "CONFIG"
    case secrets = "SECRETS"
    case auth = "AUTH"
    case connectivity = "CONNECTIVITY"
    case http = "HTTP"
    case timeout = "TIMEOUT"
    case data = "DATA"
    case policy = "POLICY"
    case dependency = "DEPENDENCY"
    case unknown = "UNKNOWN"
    /// Not a plugin's category: the run was stopped by SIGINT or SIGTERM (dltaf's result documents only).
    case cancelled = "CANCELLED"

    /// The categories a plugin may report in an error's `data.category` (every case but `cancelled`).
    public static let pluginCategories: [ErrorCategory] = allCases.filter { $0 != .cancelled }

    /// Reads a category name; a name this build does not know reads as `unknown`.
    public init(lenient raw: String) {
        self = ErrorCategory(rawValue: raw) ?? .unknown
    }
}
