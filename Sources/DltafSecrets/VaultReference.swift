public import DltafJSON
import Foundation

/// Where a secret lives in Vault's KV engine: `connections.<slot>.vault`.
///
/// Written as `"mount:path"` (recommended), `"vault://mount/path"`, a mapping `{mount_point|mount, path,
/// kv_version?}` or a mapping `{ref, kv_version?}`. `ref` and `mount_point`/`path` exclude each other. The mount
/// and the path are trimmed of spaces and slashes.
public struct VaultReference: Sendable, Hashable, CustomStringConvertible {
    /// The KV engine's mount (`secret`).
    public var mount: String
    /// The secret's path under the mount (`app/db`).
    public var path: String
    /// `1` or `2`; nil means "ask Vault" (see `VaultKVReader`).
    public var kvVersion: Int?

    /// Creates a reference.
    public init(mount: String, path: String, kvVersion: Int? = nil) {
        self.mount = mount
        self.path = path
        self.kvVersion = kvVersion
    }

    /// `mount:path`, the form used in provenance labels and messages.
    public var description: String { "\(mount):\(path)" }

    /// Parses the written forms.
    ///
    /// - Throws: a message saying what is wrong (the caller locates it in the manifest).
    public init(parsing value: JSONValue) throws(ReferenceError) {
        switch value {
        case .string(let text):
            self = try Self.parse(text, kvVersion: nil)
        case .object(let object):
            let version = try Self.kvVersion(object["kv_version"])
            let ref = try Self.text(object["ref"], key: "ref")
            let mountPoint = try Self.text(object["mount_point"], key: "mount_point")
            let shortMount = try Self.text(object["mount"], key: "mount")
            let mount = mountPoint ?? shortMount
            let path = try Self.text(object["path"], key: "path")
            if let ref {
                guard mount == nil, path == nil else {
                    throw ReferenceError(
                        "a vault mapping uses either ref or mount_point/path, not both", key: "ref")
                }
                self = try Self.parse(ref, kvVersion: version, key: "ref")
                return
            }
            guard let mount, let path else {
                throw ReferenceError(
                    mount == nil && path == nil
                        ? "a vault mapping needs ref, or mount_point and path"
                        : "a vault mapping needs both mount_point and path",
                    key: mount == nil ? "mount_point" : "path")
            }
            let trimmedMount = Self.trimSlashes(mount)
            let trimmedPath = Self.trimSlashes(path)
            guard !trimmedMount.isEmpty, !trimmedPath.isEmpty else {
                throw ReferenceError(
                    "mount_point and path must not be empty", key: trimmedMount.isEmpty ? "mount_point" : "path")
            }
            self.init(mount: trimmedMount, path: trimmedPath, kvVersion: version)
        default:
            throw ReferenceError(
                "vault must be \"mount:path\", \"vault://mount/path\" or a mapping {mount_point, path, kv_version}, "
                    + "not \(value.typeDescription)")
        }
    }

    /// Why a reference cannot be used.
    public struct ReferenceError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The key of the mapping at fault, if any (`kv_version`).
        public var key: String?

        init(_ message: String, key: String? = nil) {
            self.message = message
            self.key = key
        }

        public var description: String { message }
    }

    private static func parse(_ raw: String, kvVersion: Int?, key: String? = nil) throws(ReferenceError)
        -> VaultReference
    {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ReferenceError("the vault reference is empty", key: key) }
        if text.hasPrefix("vault://") {
            let body = text.dropFirst("vault://".count)
            guard let slash = body.firstIndex(of: "/") else {
                throw ReferenceError("invalid vault reference \"\(raw)\": expected vault://mount/path", key: key)
            }
            let mount = trimSlashes(String(body[..<slash]))
            let path = trimSlashes(String(body[body.index(after: slash)...]))
            guard !mount.isEmpty, !path.isEmpty else {
                throw ReferenceError("invalid vault reference \"\(raw)\": expected vault://mount/path", key: key)
            }
            return VaultReference(mount: mount, path: path, kvVersion: kvVersion)
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw ReferenceError(
                "invalid vault reference \"\(raw)\": write \"mount:path\", \"vault://mount/path\" or a mapping "
                    + "{mount_point, path}", key: key)
        }
        let mount = trimSlashes(String(text[..<colon]))
        let path = trimSlashes(String(text[text.index(after: colon)...]))
        guard !mount.isEmpty, !path.isEmpty else {
            throw ReferenceError("invalid vault reference \"\(raw)\": mount and path must not be empty", key: key)
        }
        return VaultReference(mount: mount, path: path, kvVersion: kvVersion)
    }

    private static func text(_ value: JSONValue?, key: String) throws(ReferenceError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw ReferenceError("\(key) must be a string, not \(value.typeDescription)", key: key)
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ReferenceError("\(key) must not be empty", key: key) }
        return trimmed
    }

    private static func kvVersion(_ value: JSONValue?) throws(ReferenceError) -> Int? {
        guard let value, !value.isNull else { return nil }
        let text = value.intValue.map(String.init) ?? value.stringValue?.trimmingCharacters(in: .whitespaces)
        if text == nil || text == "" { return nil }
        guard let text, let version = Int(text), version == 1 || version == 2 else {
            throw ReferenceError("kv_version must be 1 or 2, not \(value.jsonText)", key: "kv_version")
        }
        return version
    }

    private static func trimSlashes(_ text: String) -> String {
        let scalars = text.trimmingCharacters(in: .whitespaces).unicodeScalars
        let trimmed = scalars.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()
        return String(String.UnicodeScalarView(trimmed))
    }
}
