public import DltafManifest

/// Why the `connections` of a manifest could not be resolved. The message names the slot and the reference;
/// it never holds a secret value or the Vault token.
public struct SecretsError: Error, Sendable, CustomStringConvertible {
    /// The error category in the Python dltaf's taxonomy.
    public enum Category: String, Sendable {
        /// The `connections` section is malformed (located diagnostics; exit 2).
        case config = "CONFIG"
        /// A secret is missing, malformed or lacks a required field.
        case secrets = "SECRETS"
        /// Vault refused the token.
        case auth = "AUTH"
        /// Vault could not be reached.
        case connectivity = "CONNECTIVITY"
        /// Vault did not answer in time.
        case timeout = "TIMEOUT"
    }

    /// The category.
    public var category: Category
    /// A stable code: `connections_invalid`, `vault_permission_denied`, `vault_secret_not_found`,
    /// `vault_unreachable`, `vault_timeout`, `vault_not_configured`, `vault_invalid_response`, `vault_http_error`,
    /// `secret_invalid`.
    public var code: String
    /// The slot (`source`, `destination`, `kafka`), when one is at fault.
    public var slot: String?
    /// What happened, for people.
    public var message: String
    /// Located findings, for `config` errors.
    public var diagnostics: [ManifestDiagnostic]
    /// The Vault failure behind the error, if any.
    public var vaultError: VaultError?

    /// Creates an error.
    public init(
        _ category: Category, code: String, slot: String?, message: String, diagnostics: [ManifestDiagnostic] = [],
        vaultError: VaultError? = nil
    ) {
        self.category = category
        self.code = code
        self.slot = slot
        self.message = message
        self.diagnostics = diagnostics
        self.vaultError = vaultError
    }

    /// A configuration error from located findings.
    init(_ findings: [ManifestDiagnostic]) {
        self.init(
            .config, code: "connections_invalid", slot: nil,
            message: findings.map(\.description).joined(separator: "\n"), diagnostics: findings)
    }

    /// A Vault failure that no other backend made up for.
    init(slot: String, vault error: VaultError, note: String) {
        let (category, code): (Category, String) =
            switch error.kind {
            case .permissionDenied: (.auth, "vault_permission_denied")
            case .notFound: (.secrets, "vault_secret_not_found")
            case .unreachable: (.connectivity, "vault_unreachable")
            case .timeout: (.timeout, "vault_timeout")
            case .notConfigured: (.secrets, "vault_not_configured")
            case .invalidResponse: (.secrets, "vault_invalid_response")
            case .http: (.secrets, "vault_http_error")
            }
        self.init(
            category, code: code, slot: slot, message: "connections.\(slot): \(error)\(note)", vaultError: error)
    }

    public var description: String { message }
}
