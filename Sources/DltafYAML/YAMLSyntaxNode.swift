/// A node exactly as written, for tools that edit the text: merge keys are ordinary entries, aliases stay aliases,
/// nothing is resolved, and every node knows the byte range it covers.
///
/// `YAMLNode` is what a document means; `YAMLSyntaxNode` is where it is written.
public struct YAMLSyntaxNode: Sendable, Equatable {
    /// The node's content.
    public enum Content: Sendable, Equatable {
        /// A scalar: its text after unquoting and folding, and how it was written.
        case scalar(text: String, style: YAMLScalarStyle)
        /// An alias (`*name`).
        case alias(anchor: String)
        /// A sequence, in document order.
        case sequence([YAMLSyntaxNode], style: YAMLCollectionStyle)
        /// A mapping, in document order (`<<` entries included, duplicates not checked).
        case mapping([YAMLSyntaxEntry], style: YAMLCollectionStyle)
    }

    /// The node's content.
    public var content: Content
    /// The anchor (`&name`) the node defines, if any.
    public var anchor: String?
    /// The tag as libyaml reports it (`tag:yaml.org,2002:str` for `!!str`), if any.
    public var tag: String?
    /// Where the node starts: at its anchor or tag when it has one, else at its content.
    public var start: YAMLSourcePosition
    /// Just past the node. Scalars end after their last character (a closing quote included; block scalars after
    /// their trailing line breaks); flow collections after the closing bracket. A block collection ends where
    /// libyaml sees the next token, which is after any comments and blank lines that follow it.
    public var end: YAMLSourcePosition

    /// Creates a node.
    public init(
        content: Content, anchor: String? = nil, tag: String? = nil, start: YAMLSourcePosition,
        end: YAMLSourcePosition
    ) {
        self.content = content
        self.anchor = anchor
        self.tag = tag
        self.start = start
        self.end = end
    }

    /// The entries, if this node is a mapping.
    public var entries: [YAMLSyntaxEntry]? {
        if case .mapping(let entries, _) = content { return entries }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [YAMLSyntaxNode]? {
        if case .sequence(let items, _) = content { return items }
        return nil
    }

    /// The scalar text, if this node is a scalar.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The style of a collection; nil for scalars and aliases.
    public var collectionStyle: YAMLCollectionStyle? {
        switch content {
        case .sequence(_, let style), .mapping(_, let style): return style
        case .scalar, .alias: return nil
        }
    }

    /// The last entry whose key is the plain or quoted scalar `key`, if this node is a mapping.
    public func entry(forKey key: String) -> YAMLSyntaxEntry? {
        entries?.last { $0.key.scalarText == key }
    }
}

/// One key/value pair of a mapping as written.
public struct YAMLSyntaxEntry: Sendable, Equatable {
    /// The key node.
    public var key: YAMLSyntaxNode
    /// The value node; an omitted value is an empty plain scalar placed where the value would start.
    public var value: YAMLSyntaxNode

    /// Creates an entry.
    public init(key: YAMLSyntaxNode, value: YAMLSyntaxNode) {
        self.key = key
        self.value = value
    }
}
