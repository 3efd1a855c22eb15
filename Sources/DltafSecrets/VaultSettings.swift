import Foundation

/// How dltaf reaches Vault, read from its environment the way the Vault CLI and the Python dltaf's
/// vault-kv-client read it.
///
/// | Variable | Meaning |
/// |---|---|
/// | `VAULT_ADDR`, alias `VAULT_ADDRESS` | the server, `http(s)://host:port` |
/// | `VAULT_TOKEN` | the token sent as `X-Vault-Token` |
/// | `VAULT_NAMESPACE` | sent as `X-Vault-Namespace` (Vault Enterprise, OpenBao namespaces) |
/// | `VAULT_CACERT` | a PEM file of CA certificates to trust |
/// | `VAULT_SKIP_VERIFY`, `VAULT_VERIFY=false` | do not verify the server's certificate |
/// | `VAULT_TIMEOUT` | seconds each request may take (default 10) |
///
/// As in the Python dltaf, `VAULT_ADDR` and `VAULT_TOKEN` may also come from the Airflow Variables of the same
/// name (`AIRFLOW_VAR_VAULT_ADDR`, ...).
public struct VaultSettings: Sendable {
    /// The server's base URL without a trailing slash; nil when not configured.
    public var address: String?
    /// The token; nil when not configured.
    public var token: String?
    /// The namespace header, if any.
    public var namespace: String?
    /// Seconds each request may take.
    public var timeoutSeconds: Double
    /// Whether the server's certificate is verified.
    public var verifyTLS: Bool
    /// Extra CA certificates (PEM).
    public var caFile: String?

    /// The timeout when neither a flag nor `VAULT_TIMEOUT` sets one.
    public static let defaultTimeoutSeconds = 10.0

    /// Creates settings from parts.
    public init(
        address: String?, token: String?, namespace: String? = nil,
        timeoutSeconds: Double = defaultTimeoutSeconds, verifyTLS: Bool = true, caFile: String? = nil
    ) {
        self.address = address.map(Self.trimTrailingSlashes)
        self.token = token
        self.namespace = namespace
        self.timeoutSeconds = timeoutSeconds
        self.verifyTLS = verifyTLS
        self.caFile = caFile
    }

    /// Reads the settings from `environment`.
    ///
    /// - Parameter timeoutSeconds: a timeout from the command line; wins over `VAULT_TIMEOUT`.
    public init(environment: [String: String], timeoutSeconds: Double? = nil) {
        func value(_ names: String...) -> String? {
            for name in names {
                if let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text }
            }
            return nil
        }
        let address = value("VAULT_ADDR", "VAULT_ADDRESS", "AIRFLOW_VAR_VAULT_ADDR", "AIRFLOW_VAR_VAULT_ADDRESS")
        let token = value("VAULT_TOKEN", "AIRFLOW_VAR_VAULT_TOKEN")
        let namespace = value("VAULT_NAMESPACE", "AIRFLOW_VAR_VAULT_NAMESPACE")
        let environmentTimeout = value("VAULT_TIMEOUT").flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        let skip = value("VAULT_SKIP_VERIFY").map(Self.isTrue) ?? false
        let verify = value("VAULT_VERIFY").map { !Self.isFalse($0) } ?? true
        self.init(
            address: address, token: token, namespace: namespace,
            timeoutSeconds: timeoutSeconds ?? environmentTimeout ?? Self.defaultTimeoutSeconds,
            verifyTLS: verify && !skip, caFile: value("VAULT_CACERT"))
    }

    private static func isTrue(_ text: String) -> Bool {
        ["1", "true", "yes", "y", "on"].contains(text.lowercased())
    }

    private static func isFalse(_ text: String) -> Bool {
        ["0", "false", "no", "n", "off"].contains(text.lowercased())
    }

    private static func trimTrailingSlashes(_ text: String) -> String {
        var result = text
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
