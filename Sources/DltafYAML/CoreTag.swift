/// The tags this loader understands; every other tag is rejected as `.unknownTag`.
enum CoreTag: Sendable {
    case str
    case int
    case float
    case bool
    case null
    case map
    case seq
    case merge
    /// The non-specific tag `!`, which means "string" for scalars and nothing special for collections.
    case nonSpecific

    /// libyaml expands `!!x` to this prefix before handing tags over.
    static let prefix = "tag:yaml.org,2002:"

    /// Recognises an expanded tag; nil for anything outside the core set.
    init?(_ tag: String) {
        if tag == "!" {
            self = .nonSpecific
            return
        }
        guard tag.hasPrefix(Self.prefix) else { return nil }
        switch tag.dropFirst(Self.prefix.count) {
        case "str": self = .str
        case "int": self = .int
        case "float": self = .float
        case "bool": self = .bool
        case "null": self = .null
        case "map": self = .map
        case "seq": self = .seq
        case "merge": self = .merge
        default: return nil
        }
    }

    /// Short `!!name` spelling for messages; full tag otherwise.
    static func display(_ tag: String) -> String {
        tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }
}
