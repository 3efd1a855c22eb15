public import DltafJSON
import DltafManifest

/// How a document (a plan, a report, a manifest) is printed: indented JSON or YAML.
public enum DocumentFormat: String, CaseIterable, Sendable {
    /// Indented JSON with a stable key order.
    case json
    /// Block YAML (`YAMLRenderer`).
    case yaml

    /// Reads a format word case-insensitively; `yml` is `yaml`.
    public init?(word: String) {
        switch word.lowercased() {
        case "json": self = .json
        case "yaml", "yml": self = .yaml
        default: return nil
        }
    }

    /// The format a file's name implies: YAML for `.yaml`/`.yml`, JSON otherwise (and for no file).
    public init(path: String?) {
        let lowered = path?.lowercased() ?? ""
        self = lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") ? .yaml : .json
    }

    /// `value` as text in this format (YAML ends with a line break, JSON does not).
    public func render(_ value: JSONValue) -> String {
        switch self {
        case .json: return JSONWriter(style: .pretty).string(value)
        case .yaml: return YAMLRenderer.render(value)
        }
    }
}
