extension YAMLNode {
    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The resolved scalar value, if this node is a scalar.
    public var scalarValue: YAMLScalarValue? { scalar?.value }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var mapping: [YAMLMappingEntry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// The entry for `key` in a mapping (keys are unique), or nil if absent or this node is not a mapping.
    public func entry(forKey key: String) -> YAMLMappingEntry? {
        mapping?.first { $0.key == key }
    }

    /// The value for `key` in a mapping, or nil if absent or this node is not a mapping.
    public subscript(key: String) -> YAMLNode? {
        entry(forKey: key)?.value
    }
}
