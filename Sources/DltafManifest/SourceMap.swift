public import DltafJSON
public import DltafYAML

/// Where each value of a manifest was written, so that any finding can name `file:line:column`.
///
/// It keeps the YAML tree and walks it when asked: marks are needed only for findings, so a manifest that
/// checks clean never pays for a path-to-mark table (lint of a thousand manifests did, measurably).
public struct SourceMap: Sendable {
    /// The tree the manifest was read from; nil for a manifest built in code.
    private var root: YAMLNode?
    /// Paths whose value came from `--set` rather than the file.
    public private(set) var overridden: Set<ManifestPath> = []

    /// An empty map.
    public init() {}

    /// The mark of the value at `path`, or of its nearest ancestor that has one.
    public func mark(at path: ManifestPath) -> YAMLMark? {
        walk(path).value
    }

    /// The mark of the key that holds `path`, falling back to the value's mark.
    public func keyMark(at path: ManifestPath) -> YAMLMark? {
        let found = walk(path)
        return found.reachedEnd ? found.key ?? found.value : found.value
    }

    /// Whether the value at `path` (or an ancestor) was set with `--set`.
    public func isOverridden(_ path: ManifestPath) -> Bool {
        var current: ManifestPath? = path
        while let candidate = current {
            if overridden.contains(candidate) { return true }
            current = candidate.parent
        }
        return false
    }

    mutating func markOverridden(_ path: ManifestPath) {
        overridden.insert(path)
    }

    /// Follows `path` down the tree as far as it exists: the last value's mark, the mark of the key that held
    /// it, and whether the whole path was found.
    private func walk(_ path: ManifestPath) -> (value: YAMLMark?, key: YAMLMark?, reachedEnd: Bool) {
        guard var node = root else { return (nil, nil, false) }
        var keyMark: YAMLMark?
        for component in path.components {
            switch (component, node.kind) {
            case (.key(let key), .mapping(let entries)):
                guard let entry = entries.first(where: { $0.key == key }) else { return (node.mark, keyMark, false) }
                keyMark = entry.keyMark
                node = entry.value
            case (.index(let index), .sequence(let items)) where items.indices.contains(index):
                keyMark = nil
                node = items[index]
            default:
                return (node.mark, keyMark, false)
            }
        }
        return (node.mark, keyMark, true)
    }

    /// Converts a YAML tree to a JSON value, keeping the tree for positions.
    static func convert(_ node: YAMLNode) -> (JSONValue, SourceMap) {
        var map = SourceMap()
        map.root = node
        return (node.jsonValue, map)
    }
}

extension YAMLNode {
    /// The node as a JSON value (merge keys already applied by the loader).
    public var jsonValue: JSONValue {
        switch kind {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .double(let number): return .double(number)
            case .string(let text): return .string(text)
            }
        case .sequence(let items):
            return .array(items.map(\.jsonValue))
        case .mapping(let entries):
            var object = JSONObject()
            for entry in entries { object.appendUnchecked(key: entry.key, value: entry.value.jsonValue) }
            return .object(object)
        }
    }
}
