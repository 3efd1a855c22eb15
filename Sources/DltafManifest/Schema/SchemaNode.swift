/// One node of the manifest schema. The same tree drives validation (`SchemaChecker`, located findings)
/// and the published JSON Schema (`JSONSchemaExporter`), so the two cannot drift apart.
public indirect enum SchemaNode: Sendable {
    /// A mapping with known keys.
    case object(ObjectSchema)
    /// A single value.
    case scalar(ScalarSchema)
    /// A list of items; `acceptsSingle` also takes one bare item as a one-item list.
    case list(SchemaNode, acceptsSingle: Bool = false, nonEmpty: Bool = false)
    /// A mapping from any key to values of one shape.
    case map(SchemaNode)
    /// The first alternative that fits; `expected` names them for messages.
    case anyOf([SchemaNode], expected: String)
    /// A mapping whose shape depends on the string at `key` (`source.kind`); other values use `fallback`.
    case discriminated(key: String, cases: [DiscriminatedCase], fallback: SchemaNode)
    /// Anything.
    case any

    /// A string (non-empty unless told otherwise).
    static func string(nonEmpty: Bool = true, description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .string(nonEmpty: nonEmpty), description: description))
    }
    /// One of fixed words.
    static func oneOf(_ values: [String], caseInsensitive: Bool = false, description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .choice(values, caseInsensitive: caseInsensitive), description: description))
    }
    /// A boolean, a boolean word, or an `${ENV:...}` placeholder.
    static func boolean(description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .boolean, description: description))
    }
    /// An integer, an integer string, or an `${ENV:...}` placeholder.
    static func integer(minimum: Int? = nil, description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .integer(minimum: minimum), description: description))
    }
    /// A number in a closed range, a numeric string, or an `${ENV:...}` placeholder.
    static func number(in range: ClosedRange<Double>, description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .number(range), description: description))
    }
    /// An ISO date or date-time, or an `${ENV:...}` placeholder.
    static func isoDate(description: String? = nil) -> SchemaNode {
        .scalar(ScalarSchema(kind: .isoDate, description: description))
    }
    /// A list of strings; a single string is one item when `acceptsSingle`.
    static func strings(acceptsSingle: Bool = false, nonEmpty: Bool = false) -> SchemaNode {
        .list(.string(nonEmpty: false), acceptsSingle: acceptsSingle, nonEmpty: nonEmpty)
    }
}

/// A shape chosen by the value of a discriminating key.
public struct DiscriminatedCase: Sendable {
    /// The values of the key that select this shape.
    public var values: [String]
    /// The shape.
    public var node: SchemaNode
}

/// A scalar's rule.
public struct ScalarSchema: Sendable {
    /// What values are accepted.
    public enum Kind: Sendable {
        /// A string.
        case string(nonEmpty: Bool)
        /// One of these words.
        case choice([String], caseInsensitive: Bool)
        /// A boolean or a boolean word.
        case boolean
        /// An integer.
        case integer(minimum: Int?)
        /// A number in the range.
        case number(ClosedRange<Double>)
        /// An ISO date or date-time.
        case isoDate
        /// Exactly this integer (or its digits as a string).
        case exactInteger(Int)
    }

    /// What values are accepted.
    public var kind: Kind
    /// Help text for the JSON Schema.
    public var description: String?
}

/// When unknown keys of a mapping are refused.
public enum ExtraKeys: Sendable {
    /// Never: the mapping belongs to someone else (a runner, a hook's settings).
    case allowed
    /// In strict mode (`manifest lint`, `exec`): the common sections.
    case forbiddenWhenStrict
    /// In strict-source mode (`manifest lint` without `--lenient-source`): the known source kinds.
    case forbiddenWhenSourceStrict
    /// Always.
    case forbidden
}

/// A rule across the keys of one mapping.
public enum ObjectRule: Sendable {
    /// `key` (when non-empty) cannot be combined with any of `others` (when non-empty).
    case exclusive(String, with: [String])
    /// Exactly one of the keys is set.
    case exactlyOne([String])
    /// At least one of the keys is set.
    case atLeastOne([String])
    /// Either `single` alone, or all of `group` together.
    case eitherOr(single: String, group: [String])
    /// When `key` equals `value`, `requires` must hold at least one of its keys.
    case when(key: String, equals: String, requiresOneOf: [String])
}

/// A mapping with known keys.
public struct ObjectSchema: Sendable {
    /// A known key.
    public struct Property: Sendable {
        /// The key.
        public var key: String
        /// Its shape.
        public var node: SchemaNode
        /// Whether it must be present.
        public var required: Bool
        /// Help text.
        public var description: String?

        /// Creates a property.
        public init(_ key: String, _ node: SchemaNode, required: Bool = false, description: String? = nil) {
            self.key = key
            self.node = node
            self.required = required
            self.description = description
        }
    }

    /// Where it lives, for messages (`run.hooks`).
    public var name: String
    /// Its known keys, in documentation order.
    public var properties: [Property]
    /// When unknown keys are refused.
    public var extra: ExtraKeys
    /// Rules across keys.
    public var rules: [ObjectRule]
    /// Help text.
    public var description: String?

    /// Creates a mapping shape.
    public init(
        _ name: String, extra: ExtraKeys = .forbiddenWhenStrict, rules: [ObjectRule] = [],
        description: String? = nil, _ properties: [Property]
    ) {
        self.name = name
        self.properties = properties
        self.extra = extra
        self.rules = rules
        self.description = description
    }

    /// The known keys.
    public var keys: [String] { properties.map(\.key) }

    /// The property for `key`.
    public func property(_ key: String) -> Property? {
        properties.first { $0.key == key }
    }
}

/// How strictly unknown keys are refused.
public struct SchemaStrictness: Sendable, Equatable {
    /// Unknown keys in the common sections (pipeline, run, connections, airflow, ...) are errors.
    public var commonSections: Bool
    /// Unknown keys in the shapes of the known source kinds (sqldb, mongodb, ...) are errors.
    public var sourceKinds: Bool

    /// Creates a strictness.
    public init(commonSections: Bool, sourceKinds: Bool) {
        self.commonSections = commonSections
        self.sourceKinds = sourceKinds
    }

    /// `manifest lint` by default.
    public static let lint = SchemaStrictness(commonSections: true, sourceKinds: true)
    /// `exec` and `manifest lint --lenient-source`: the runner owns its source keys.
    public static let run = SchemaStrictness(commonSections: true, sourceKinds: false)
    /// `manifest schema --lenient`: unknown keys everywhere are allowed.
    public static let lenient = SchemaStrictness(commonSections: false, sourceKinds: false)

    /// Whether `extra` refuses unknown keys at this strictness.
    func forbids(_ extra: ExtraKeys) -> Bool {
        switch extra {
        case .allowed: return false
        case .forbidden: return true
        case .forbiddenWhenStrict: return commonSections
        case .forbiddenWhenSourceStrict: return sourceKinds
        }
    }
}
