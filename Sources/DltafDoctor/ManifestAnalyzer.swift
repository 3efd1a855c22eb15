public import DltafManifest
public import DltafYAML

/// Finds the doctor's issues in a loaded manifest, in the Python doctor's order, then `YAML11_BOOLEAN` issues.
public struct ManifestAnalyzer: Sendable {
    /// Whether the schema reads the value at a path as a boolean.
    public var isBooleanPath: @Sendable (ManifestPath) -> Bool

    /// Creates an analyzer; `isBooleanPath` defaults to `BooleanPaths.default`.
    public init(isBooleanPath: @escaping @Sendable (ManifestPath) -> Bool = { BooleanPaths.default.contains($0) }) {
        self.isBooleanPath = isBooleanPath
    }

    /// The issues of the manifest whose root is `root` (nil for an empty document) in a file named `fileStem`.yaml.
    public func analyze(_ root: YAMLNode?, fileStem: String) -> [DoctorIssue] {
        var findings = Findings(root: root, expectedName: fileStem)
        findings.checkIdentity()
        findings.checkBooleans(isBooleanPath)
        return findings.issues
    }
}

/// The issues found so far and the helpers every check uses.
struct Findings {
    let root: YAMLNode?
    /// The file stem, which `pipeline.name` and `airflow.dag_id` must equal.
    let expectedName: String
    var issues: [DoctorIssue] = []

    /// Where issues about the whole document point: its first key, or 1:1 for an empty file.
    var rootMark: YAMLMark { root?.mark ?? YAMLMark(line: 1, column: 1) }

    mutating func add(
        _ code: DoctorCode, _ message: String, at mark: YAMLMark, _ path: ManifestPath, fix: DoctorFix? = nil
    ) {
        issues.append(DoctorIssue(code: code, message: message, mark: mark, path: path, fix: fix))
    }

    /// The top-level entry for `key`.
    func top(_ key: String) -> YAMLMappingEntry? {
        root?.entry(forKey: key)
    }

    /// Where the value of `key` in `mapping` is written, or `fallback` (the mapping's own key) when it is missing.
    static func mark(of key: String, in mapping: YAMLNode, fallback: YAMLMark) -> YAMLMark {
        mapping.entry(forKey: key)?.value.mark ?? fallback
    }
}
