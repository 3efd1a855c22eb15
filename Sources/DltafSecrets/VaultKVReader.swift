public import DltafJSON
import Foundation

/// Reads one secret from Vault: the seam where tests inject a fake getter, as the Python dltaf does.
public protocol VaultSecretReader: Sendable {
    /// The secret's key/value pairs.
    func read(_ reference: VaultReference) async throws(VaultError) -> JSONObject
}

/// Reads KV secrets over Vault's HTTP API with token authentication.
///
/// - KV v1: `GET /v1/<mount>/<path>` → `data`.
/// - KV v2: `GET /v1/<mount>/data/<path>` → `data.data`.
/// - No `kv_version`: the mount's version is asked of `GET /v1/sys/internal/ui/mounts/<mount>` (what the Vault
///   CLI does; any token that may read the path may ask). As in the Python dltaf's vault-kv-client, a mount
///   whose version cannot be read is taken as v1.
public struct VaultKVReader: VaultSecretReader {
    /// Where and how to connect.
    public var settings: VaultSettings
    /// The HTTP client.
    public var transport: any VaultTransport

    /// Creates a reader.
    public init(settings: VaultSettings, transport: any VaultTransport) {
        self.settings = settings
        self.transport = transport
    }

    public func read(_ reference: VaultReference) async throws(VaultError) -> JSONObject {
        guard let address = settings.address else {
            throw VaultError(.notConfigured, reference: reference, message: "VAULT_ADDR (or VAULT_ADDRESS) is not set")
        }
        guard address.hasPrefix("http://") || address.hasPrefix("https://") else {
            throw VaultError(
                .notConfigured, reference: reference,
                message: "VAULT_ADDR must start with http:// or https:// (got \"\(address)\")")
        }
        guard let token = settings.token else {
            throw VaultError(.notConfigured, reference: reference, message: "VAULT_TOKEN is not set")
        }
        let version: Int
        if let explicit = reference.kvVersion {
            version = explicit
        } else {
            version = try await mountVersion(reference, address: address, token: token)
        }
        let route = version == 2 ? "\(Self.encode(reference.mount))/data/" : "\(Self.encode(reference.mount))/"
        let response = try await get("\(address)/v1/\(route)\(Self.encode(reference.path))", reference, token: token)
        switch response.status {
        case 200:
            let document: JSONValue
            do {
                document = try JSONParser.parse(response.body)
            } catch {
                throw VaultError(
                    .invalidResponse, reference: reference, status: 200, message: "the answer is not JSON: \(error)")
            }
            let data = version == 2 ? document["data"]?["data"] : document["data"]
            guard let secret = data?.objectValue else {
                throw VaultError(
                    .invalidResponse, reference: reference, status: 200,
                    message: "the answer holds no \(version == 2 ? "data.data" : "data") mapping (is the mount "
                        + "KV v\(version)? set kv_version)")
            }
            return secret
        case 404:
            throw VaultError(
                .notFound, reference: reference, status: 404,
                message: "secret not found (KV v\(version) path \(reference.path) under mount \(reference.mount))"
                    + Self.vaultErrors(response.body, prefix: "; Vault says: "))
        case 401, 403:
            throw VaultError(
                .permissionDenied, reference: reference, status: response.status,
                message: (Self.vaultErrors(response.body, prefix: "").nonEmpty ?? "permission denied")
                    + " (check VAULT_TOKEN and that its policy may read this path)")
        default:
            throw VaultError(
                .http, reference: reference, status: response.status,
                message: Self.vaultErrors(response.body, prefix: "").nonEmpty ?? "unexpected answer")
        }
    }

    /// The KV version of the reference's mount, 1 when it cannot be told.
    private func mountVersion(_ reference: VaultReference, address: String, token: String) async throws(VaultError)
        -> Int
    {
        let response = try await get(
            "\(address)/v1/sys/internal/ui/mounts/\(Self.encode(reference.mount))", reference, token: token)
        guard response.status == 200, let document = try? JSONParser.parse(response.body) else { return 1 }
        let options = document["data"]?["options"]
        return options?["version"]?.stringValue == "2" || options?["version"]?.intValue == 2 ? 2 : 1
    }

    private func get(_ url: String, _ reference: VaultReference, token: String) async throws(VaultError)
        -> VaultHTTPResponse
    {
        var headers: [(name: String, value: String)] = [("X-Vault-Token", token), ("X-Vault-Request", "true")]
        if let namespace = settings.namespace { headers.append(("X-Vault-Namespace", namespace)) }
        let request = VaultHTTPRequest(
            url: url, headers: headers, timeoutSeconds: settings.timeoutSeconds, verifyTLS: settings.verifyTLS,
            caFile: settings.caFile)
        do {
            return try await transport.get(request)
        } catch {
            let server = settings.address ?? "?"
            if error.isTimeout {
                throw VaultError(
                    .timeout, reference: reference,
                    message: "no answer from \(server) within \(Self.seconds(settings.timeoutSeconds)) "
                        + "(VAULT_TIMEOUT or --vault-timeout): \(error.message)")
            }
            throw VaultError(
                .unreachable, reference: reference, message: "cannot reach Vault at \(server): \(error.message)")
        }
    }

    /// Vault's `errors` list, joined, shortened; "" when the body has none.
    static func vaultErrors(_ body: [UInt8], prefix: String) -> String {
        guard let document = try? JSONParser.parse(body), let errors = document["errors"]?.arrayValue else {
            return ""
        }
        let text = errors.compactMap(\.stringValue).joined(separator: "; ")
        guard !text.isEmpty else { return "" }
        return prefix + (text.count > 300 ? String(text.prefix(300)) + "…" : text)
    }

    /// A path segment list percent-encoded, `/` kept.
    static func encode(_ path: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
