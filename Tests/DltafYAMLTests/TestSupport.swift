import DltafYAML
import Testing

/// Loads `text`, failing the test if it throws or yields no document.
func loadNode(
    _ text: String,
    limits: YAMLLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> YAMLNode {
    try #require(try YAMLLoader.load(text, file: "test.yaml", limits: limits), sourceLocation: sourceLocation)
}

/// Loads `bytes` expecting an error; records an issue and returns nil if loading succeeds.
func loadError(
    _ bytes: [UInt8],
    limits: YAMLLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) -> YAMLError? {
    do {
        _ = try YAMLLoader.load(bytes, file: "test.yaml", limits: limits)
        Issue.record("expected a YAMLError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Loads `text` expecting an error; records an issue and returns nil if loading succeeds.
func loadError(
    _ text: String,
    limits: YAMLLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) -> YAMLError? {
    loadError(Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

/// The mapping's keys in order, or nil when the node is not a mapping.
func keys(_ node: YAMLNode?) -> [String]? {
    node?.mapping?.map(\.key)
}
