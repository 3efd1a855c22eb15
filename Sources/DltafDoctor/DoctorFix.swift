public import DltafJSON
public import DltafManifest

/// A change to one scalar: set the value at `path`, adding the key when it is missing.
public struct DoctorFix: Sendable, Equatable, CustomStringConvertible {
    /// The value a fix writes.
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        /// A string, written plain when YAML reads it back as the same string, quoted otherwise.
        case string(String)
        /// An integer.
        case int(Int)
        /// A boolean, written `true`/`false`.
        case bool(Bool)

        /// The value as the manifest's JSON model holds it.
        public var json: JSONValue {
            switch self {
            case .string(let text): return .string(text)
            case .int(let number): return .int(number)
            case .bool(let flag): return .bool(flag)
            }
        }

        /// The value as people read it (`sqldb`, `1`, `true`).
        public var description: String {
            switch self {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .bool(let flag): return flag ? "true" : "false"
            }
        }
    }

    /// Where a missing key is added in its mapping.
    public enum Placement: Sendable, Equatable {
        /// Before the mapping's first entry (`version` at the top of the file, `pipeline.name`).
        case first
        /// After the first of these sibling keys that is written in the mapping, else after the last entry.
        case after([String])
        /// After the mapping's last entry.
        case last
    }

    /// The key path of the value.
    public var path: ManifestPath
    /// The new value.
    public var value: Value
    /// Where to add the key when the mapping does not have it.
    public var placement: Placement

    /// Creates a fix.
    public init(path: ManifestPath, value: Value, placement: Placement = .last) {
        self.path = path
        self.value = value
        self.placement = placement
    }

    /// `pipeline.name -> orders` (`version: 1` for the version, as the Python doctor prints it).
    public var description: String {
        path == ["version"] ? "version: \(value)" : "\(path) -> \(value)"
    }
}
