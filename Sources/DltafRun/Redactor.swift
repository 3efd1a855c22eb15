public import DltafJSON
import Foundation

/// Hides secrets before anything is shown or stored: logs, plugin stderr, results, plans, error messages and
/// the result file all pass through one redactor.
///
/// - By key: a mapping member whose name is a credential name (`SensitiveKeys`: password, secret, token,
///   authorization, cookie, api_key, private_key, ... as whole words of the key) has its value replaced
///   wholesale. A secret is a string: a string, list or mapping is hidden, and so is a number (YAML reads
///   `password: 123456` as one); a boolean or a null reveals nothing and keeps its value. Under any other key
///   nothing changes type: numbers and booleans are never rewritten.
/// - By pattern: `Bearer`/`Basic` credentials, URL user info, `key=value` and `"key": "value"` pairs and
///   query parameters with a sensitive name.
/// - By value: every secret value the run knows, and its URL-encoded and base64 forms, wherever it appears.
public struct Redactor: Sendable {
    /// What replaces a secret.
    public static let placeholder = "***redacted***"

    /// Values shorter than this are not scrubbed by value (they would match ordinary text); keys and
    /// patterns still hide them.
    public static let minimumSecretLength = 4

    /// RFC 3986 unreserved characters (ASCII only: `.alphanumerics` would also keep non-ASCII letters).
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    private static let unreservedAndSlash = unreserved.union(CharacterSet(charactersIn: "/"))

    /// The exact strings scrubbed, longest first so that a secret inside another is handled correctly.
    private let needles: [String]

    /// A redactor that knows `secrets` (and derives their encoded forms).
    public init(secrets: some Sequence<String> = [String]()) {
        var forms: Set<String> = []
        for secret in secrets where secret.count >= Self.minimumSecretLength {
            forms.insert(secret)
            // Percent-encoded as URL query values, JavaScript's encodeURIComponent, Python's quote (with and
            // without "/" kept) and quote_plus (spaces as "+") write it.
            for allowed in [Self.unreserved, Self.unreservedAndSlash, .urlQueryAllowed] {
                guard let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) else { continue }
                forms.insert(encoded)
                forms.insert(encoded.replacingOccurrences(of: "%20", with: "+"))
            }
            let base64 = Data(secret.utf8).base64EncodedString()
            forms.insert(base64)
            // Without padding, and in the URL-safe alphabet, as JWTs and many APIs write it.
            let unpadded = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
            forms.insert(unpadded)
            forms.insert(unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        needles = forms.filter { $0.count >= Self.minimumSecretLength }.sorted { $0.count > $1.count }
    }

    /// This redactor plus more secret values.
    public func adding(secrets: some Sequence<String>) -> Redactor {
        Redactor(secrets: Set(needles).union(secrets))
    }

    /// Whether a key names a credential: one of its words (snake_case, kebab-case, camelCase) is a credential
    /// word such as `password` or `token`, or a compound such as `api_key` (see `SensitiveKeys`). `db_password`,
    /// `apiToken` and `client-secret` are; `passed`, `bypass` and `tokens_count` are not.
    public static func isSensitiveKey(_ key: String) -> Bool {
        SensitiveKeys.contains(key)
    }

    /// The values under sensitive keys anywhere in `value`: secrets to scrub elsewhere.
    public static func secrets(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            return object.flatMap { key, member -> [String] in
                isSensitiveKey(key) ? leaves(member) : secrets(in: member)
            }
        case .array(let items): return items.flatMap(secrets(in:))
        default: return []
        }
    }

    /// Every string under `value` (numbers are left out: scrubbing `5432` everywhere would hide timings).
    private static func leaves(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(leaves)
        case .object(let object): return object.values.flatMap(leaves)
        default: return []
        }
    }

    /// The values of environment variables whose names look sensitive (`VAULT_TOKEN`, `DB_PASSWORD`, ...).
    ///
    /// Names that only look sensitive are left out: `PWD`/`OLDPWD` (the working directory) and names ending
    /// in `_DIR`, `_PATH`, `_FILE` or `_SOCK`, which hold locations, not secrets.
    public static func secrets(inEnvironment environment: [String: String]) -> [String] {
        environment.filter { name, _ in
            // dlt's structured names (`DESTINATION__CLICKHOUSE__CREDENTIALS__HOST`) are judged by their field:
            // a password is secret, a host or a database name is not (hiding "postgres" everywhere garbles logs).
            let field = name.components(separatedBy: "__").last ?? name
            guard isSensitiveKey(field), name != "PWD", name != "OLDPWD" else { return false }
            return !["_DIR", "_PATH", "_FILE", "_SOCK"].contains { name.uppercased().hasSuffix($0) }
        }.map(\.value)
    }

    /// `value` with sensitive members replaced and every string scrubbed.
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for (key, member) in object {
                // Wholesale, as the Python dltaf does; a flag or a null under such a key reveals nothing.
                let hidden = Self.isSensitiveKey(key) && !member.isNull && member.boolValue == nil
                result.appendUnchecked(key: key, value: hidden ? .string(Self.placeholder) : redact(member))
            }
            return .object(result)
        case .array(let items): return .array(items.map(redact))
        case .string(let text): return .string(redact(text: text))
        default: return value
        }
    }

    /// `text` with known secret values and credential patterns replaced.
    public func redact(text: String) -> String {
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.placeholder)
        }
        return CredentialPatterns.redact(result)
    }
}

/// Credential shapes recognised in free text.
///
/// Each pattern runs only when cheap substring tests say it could match: log lines are many, and most carry
/// no credential (regular expressions cost about a millisecond per line here; the tests cost microseconds).
enum CredentialPatterns {
    /// Cheap prefilter: a line without any of these cannot hold a sensitive `key=value` or `"key": "value"`
    /// pair (whether a key found is sensitive is `Redactor.isSensitiveKey`'s decision).
    static let keyFragments = [
        "pass", "pwd", "secret", "token", "key", "sess", "authorization", "cookie", "bearer", "credential", "signature",
        "sig",
    ]

    // Compiled once. Regex values are immutable, so sharing them across threads is safe.
    nonisolated(unsafe) private static let scheme = #/(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/#
    nonisolated(unsafe) private static let userInfo = #/([A-Za-z][A-Za-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@/#
    nonisolated(unsafe) private static let keyValue = #/\b([A-Za-z0-9_.-]+)=([^\s&;,"']+)/#
    nonisolated(unsafe) private static let jsonPair = #/("([A-Za-z0-9_.-]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/#
    nonisolated(unsafe) private static let colonPair =
        #/(?i)\b(password|passwd|secret|api_key|apikey|access_token|refresh_token|client_secret)\s*:\s+([^\s,;]+)/#

    static func redact(_ text: String) -> String {
        let lowered = text.lowercased()
        let hidden = Redactor.placeholder
        var result = text
        if lowered.contains("bearer ") || lowered.contains("basic ") || lowered.contains("token ") {
            result = result.replacing(scheme) { match in "\(match.output.1) \(hidden)" }
        }
        if lowered.contains("://"), lowered.contains("@") {
            result = result.replacing(userInfo) { match in "\(match.output.1)\(hidden)@" }
        }
        guard keyFragments.contains(where: { lowered.contains($0) }) else { return result }
        if lowered.contains("=") {
            result = result.replacing(keyValue) { match in
                Redactor.isSensitiveKey(String(match.output.1))
                    ? "\(match.output.1)=\(hidden)" : String(match.output.0)
            }
        }
        if lowered.contains(":") {
            if lowered.contains("\"") {
                result = result.replacing(jsonPair) { match in
                    Redactor.isSensitiveKey(String(match.output.2))
                        ? "\(match.output.1)\"\(hidden)\"" : String(match.output.0)
                }
            }
            result = result.replacing(colonPair) { match in "\(match.output.1): \(hidden)" }
        }
        return result
    }
}
