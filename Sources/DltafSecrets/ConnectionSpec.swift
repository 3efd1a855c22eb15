import DltafJSON
import DltafManifest
import Foundation

/// One slot of `connections` (`source`, `destination`, `kafka`), checked and ready to resolve.
struct ConnectionSpec: Sendable {
    /// `source`, `destination` or `kafka`.
    var slot: String
    /// `kind`, lower-cased.
    var kind: String
    /// `vault`.
    var vault: VaultReference?
    /// `airflow_variable`: a Variable holding a JSON object.
    var airflowVariable: String?
    /// `airflow_variable_prefix`.
    var airflowVariablePrefix: String?
    /// `airflow_variables`: explicit Variable names per field.
    var airflowVariables: [String: String] = [:]
    /// `env_prefix` (kafka).
    var environmentPrefix: String?
    /// `overrides`: merged on top of whatever backend resolved.
    var overrides = JSONObject()

    /// The slots, in the order they are resolved.
    static let slots = ["source", "destination", "kafka"]

    /// The specs of `manifest`'s `connections` (empty slots are skipped, as the Python dltaf skips them).
    ///
    /// - Throws: every finding, located.
    static func read(from manifest: Manifest) throws(SecretsError) -> [ConnectionSpec] {
        let section: ManifestPath = ["connections"]
        guard let value = manifest.value(at: section), !value.isNull else { return [] }
        guard let connections = value.objectValue else {
            throw SecretsError([
                manifest.diagnostic(
                    "connections.type", "connections must be a mapping of slots (source, destination, kafka)",
                    at: section)
            ])
        }
        var findings: [ManifestDiagnostic] = []
        var specs: [ConnectionSpec] = []
        for slot in slots {
            guard let body = connections[slot], !Self.isEmpty(body) else { continue }
            let path = section.appending(slot)
            guard let fields = body.objectValue else {
                findings.append(
                    manifest.diagnostic("connections.type", "connections.\(slot) must be a mapping", at: path))
                continue
            }
            var reader = FieldReader(manifest: manifest, path: path, fields: fields)
            var spec = ConnectionSpec(slot: slot, kind: "")
            let kind = reader.string("kind")?.lowercased() ?? (slot == "kafka" ? "kafka" : "")
            spec.kind = kind
            switch slot {
            case "source" where kind.isEmpty:
                reader.fail(
                    "connections.source.kind is required (oracle, postgres, sql, mongodb or keycloak)", at: "kind")
            case "source" where SlotKind(source: kind) == nil:
                reader.fail(
                    "unsupported connections.source.kind: \(kind) (expected oracle, postgres, sql, mongodb, mongo or "
                        + "keycloak)", at: "kind")
            case "destination" where kind != "clickhouse" && kind != "postgres":
                reader.fail(
                    "unsupported connections.destination.kind: \(kind.isEmpty ? "(none)" : kind) "
                        + "(expected clickhouse or postgres)", at: "kind")
            case "kafka" where kind != "kafka":
                reader.fail("unsupported connections.kafka.kind: \(kind) (expected kafka)", at: "kind")
            default: break
            }
            if let vault = fields["vault"], !Self.isEmpty(vault) {
                do {
                    spec.vault = try VaultReference(parsing: vault)
                } catch {
                    let at = error.key.map { path.appending("vault").appending($0) } ?? path.appending("vault")
                    findings.append(manifest.diagnostic("connections.vault_ref", error.message, at: at))
                }
            }
            spec.airflowVariable = reader.string("airflow_variable")
            spec.airflowVariablePrefix = reader.string("airflow_variable_prefix")
            spec.environmentPrefix = reader.string("env_prefix")
            spec.airflowVariables = reader.names("airflow_variables")
            spec.overrides = reader.mapping("overrides")
            findings += reader.findings
            specs.append(spec)
        }
        guard findings.isEmpty else { throw SecretsError(findings) }
        return specs
    }

    /// Python's falsy values: null, "", {}, [].
    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.trimmingCharacters(in: .whitespaces).isEmpty
        case .object(let object): object.isEmpty
        case .array(let items): items.isEmpty
        default: false
        }
    }
}

/// Reads typed fields of one slot, collecting located findings.
private struct FieldReader {
    let manifest: Manifest
    let path: ManifestPath
    let fields: JSONObject
    var findings: [ManifestDiagnostic] = []

    mutating func fail(_ message: String, at key: String) {
        findings.append(manifest.diagnostic("connections.invalid", message, at: path.appending(key)))
    }

    mutating func string(_ key: String) -> String? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            fail("\(path).\(key) must be a string", at: key)
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    mutating func mapping(_ key: String) -> JSONObject {
        guard let value = fields[key], !ConnectionSpec.isEmpty(value) else { return JSONObject() }
        guard let object = value.objectValue else {
            fail("\(path).\(key) must be a mapping", at: key)
            return JSONObject()
        }
        return object
    }

    mutating func names(_ key: String) -> [String: String] {
        var result: [String: String] = [:]
        for (field, value) in mapping(key) {
            guard let name = value.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                findings.append(
                    manifest.diagnostic(
                        "connections.invalid", "\(path).\(key).\(field) must be the name of an Airflow Variable",
                        at: path.appending(key).appending(field)))
                continue
            }
            result[field] = name
        }
        return result
    }
}
