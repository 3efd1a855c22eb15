public import DltafManifest

/// The key paths where the manifest schema expects a boolean, so a YAML 1.1 word there (`no`) is a mistake to fix.
///
/// A pattern is a `ManifestPath` in which the key `*` stands for any one key or list item, the form
/// `ManifestSchema.booleanPaths` produces.
public struct BooleanPaths: Sendable {
    /// The patterns.
    public var patterns: [ManifestPath]

    /// Paths from patterns.
    public init(patterns: [ManifestPath]) {
        self.patterns = patterns
    }

    /// Paths from dotted patterns such as `run.replace_policy.enabled` or `source.schemas.*.enabled`.
    public init(dotted: [String]) {
        patterns = dotted.map { text in
            ManifestPath(text.split(separator: ".", omittingEmptySubsequences: false).map { .key(String($0)) })
        }
    }

    /// Every key the manifest schema reads as a boolean (one definition for validation, JSON Schema and doctor).
    public static let `default` = BooleanPaths(patterns: ManifestSchema.booleanPaths)

    /// Whether `path` matches one of the patterns.
    public func contains(_ path: ManifestPath) -> Bool {
        patterns.contains { Self.matches($0, path) }
    }

    private static func matches(_ pattern: ManifestPath, _ path: ManifestPath) -> Bool {
        guard pattern.components.count == path.components.count else { return false }
        return zip(pattern.components, path.components).allSatisfy { expected, actual in
            expected == .key("*") || expected == actual
        }
    }
}
