import DltafJSON
public import DltafYAML

/// Where each value of a manifest was written, so that any finding can name `file:line:column`.
public struct SourceMap: Sendable {
    /// The position of each value, by path.
    private var values: [ManifestPath: YAMLMark] = [:]
    /// The position of each mapping key, by the path of its value.
    private var keys: [ManifestPath: YAMLMark] = [:]
    /// Paths whose value came from `--set` rather than the file.
    public private(set) var overridden: Set<ManifestPath> = []

    /// An empty map.
    public init() {}

    /// The mark of the value at `path`, or of its nearest ancestor that has one.
    public func mark(at path: ManifestPath) -> YAMLMark? {
        var current: ManifestPath? = path
        while let candidate = current {
            if let mark = values[candidate] { return mark }
            current = candidate.parent
        }
        return nil
    }

    /// The mark of the key that holds `path`, falling back to the value's mark.
    public func keyMark(at path: ManifestPath) -> YAMLMark? {
        keys[path] ?? mark(at: path)
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

    /// Converts a YAML tree to a JSON value, recording every position.
    static func convert(_ node: YAMLNode) -> (JSONValue, SourceMap) {
        var map = SourceMap()
        let value = map.convert(node, at: .root)
        return (value, map)
    }

    private mutating func convert(_ node: YAMLNode, at path: ManifestPath) -> JSONValue {
        values[path] = node.mark
        switch node.kind {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .double(let number): return .double(number)
            case .string(let text): return .string(text)
            }
        case .sequence(let items):
            return .array(items.enumerated().map { convert($1, at: path.appending(index: $0)) })
        case .mapping(let entries):
            var object = JSONObject()
            for entry in entries {
                let child = path.appending(entry.key)
                keys[child] = entry.keyMark
                object.appendUnchecked(key: entry.key, value: convert(entry.value, at: child))
            }
            return .object(object)
        }
    }
}
