/// How a scalar was written in the source.
public enum YAMLScalarStyle: Sendable, Hashable {
    /// Unquoted, e.g. `abc`.
    case plain
    /// `'abc'`.
    case singleQuoted
    /// `"abc"`.
    case doubleQuoted
    /// A `|` block scalar.
    case literal
    /// A `>` block scalar.
    case folded
}

/// A scalar resolved with YAML 1.2 core schema rules.
///
/// Only plain, untagged scalars are typed; quoted and block scalars are strings unless an explicit tag says otherwise.
public enum YAMLScalarValue: Sendable, Hashable {
    /// `null`, `Null`, `NULL`, `~` or nothing at all.
    case null
    /// `true`/`false` in lower, capitalised or upper case only (`yes`, `on`, `no` stay strings).
    case bool(Bool)
    /// Decimal, `0o` octal or `0x` hexadecimal integers that fit in `Int`.
    case int(Int)
    /// Decimal floats, `.inf` and `.nan` spellings.
    case double(Double)
    /// Everything else.
    case string(String)
}

/// A scalar as written plus its resolved value.
public struct YAMLScalar: Sendable, Hashable {
    /// The scalar's content after unquoting and folding, exactly as libyaml reports it.
    public var text: String
    /// How the scalar was written.
    public var style: YAMLScalarStyle
    /// The explicit tag, expanded (`!!int` becomes `tag:yaml.org,2002:int`), or nil when untagged.
    public var tag: String?
    /// The value resolved from `text`, `style` and `tag`.
    public var value: YAMLScalarValue

    /// Creates a scalar.
    public init(text: String, style: YAMLScalarStyle, tag: String? = nil, value: YAMLScalarValue) {
        self.text = text
        self.style = style
        self.tag = tag
        self.value = value
    }
}

/// One key/value pair of a mapping, in document order.
public struct YAMLMappingEntry: Sendable, Equatable {
    /// The key's scalar text (after unquoting).
    public var key: String
    /// Where the key was written; for merged keys, where they were defined.
    public var keyMark: YAMLMark
    /// The value node.
    public var value: YAMLNode

    /// Creates an entry.
    public init(key: String, keyMark: YAMLMark, value: YAMLNode) {
        self.key = key
        self.keyMark = keyMark
        self.value = value
    }
}

/// A node of the loaded document, with its source position.
public struct YAMLNode: Sendable, Equatable {
    /// The node's content.
    public enum Kind: Sendable, Equatable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A sequence, in document order.
        case sequence([YAMLNode])
        /// A mapping with unique keys, merge keys already applied.
        case mapping([YAMLMappingEntry])
    }

    /// The node's content.
    public var kind: Kind
    /// Start mark of the node; for a node produced by an alias, the alias' own mark.
    public var mark: YAMLMark

    /// Creates a node.
    public init(kind: Kind, mark: YAMLMark) {
        self.kind = kind
        self.mark = mark
    }
}
