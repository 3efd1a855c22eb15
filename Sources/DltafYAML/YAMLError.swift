/// A located loading error.
public struct YAMLError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a stable machine-readable code.
    public enum Code: String, Sendable {
        /// The input is larger than `YAMLLimits.maxInputBytes`.
        case inputTooLarge
        /// libyaml rejected the text (scanner or parser error, or a forbidden control character).
        case syntax
        /// A mapping repeats a key.
        case duplicateKey
        /// An alias names no completed anchor.
        case undefinedAlias
        /// The stream holds more than one document.
        case multipleDocuments
        /// A tag other than the core `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`, `!!merge`.
        case unknownTag
        /// Collections nest deeper than `YAMLLimits.maxDepth`.
        case tooDeep
        /// Aliases would materialise more than `YAMLLimits.maxAliasExpansionNodes` nodes.
        case aliasBudgetExceeded
        /// More than `YAMLLimits.maxAnchors` anchors.
        case tooManyAnchors
        /// A `<<` merge key whose value is not a mapping or a sequence of mappings.
        case invalidMergeKey
        /// A mapping key that is a sequence or a mapping.
        case nonScalarKey
        /// The input is not valid UTF-8.
        case invalidUTF8
        /// A core tag applied to a value it cannot describe, e.g. `!!int abc`.
        case badTaggedValue
    }

    /// The error code.
    public var code: Code
    /// Human-readable text, without any file or position prefix.
    public var message: String
    /// The file name given to `YAMLLoader.load`, if any.
    public var file: String?
    /// Where the problem is, when known.
    public var mark: YAMLMark?
    /// Dotted path of the key where it happened, e.g. `run.hooks.enable[1]`; nil at the root.
    public var keyPath: String?

    /// Creates an error.
    public init(code: Code, message: String, file: String? = nil, mark: YAMLMark? = nil, keyPath: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.mark = mark
        self.keyPath = keyPath
    }

    /// `<file>:<line>:<column>: error: <message> (at <keyPath>)`, leaving out whatever is unknown.
    public var description: String {
        var location = file ?? ""
        if let mark {
            location += location.isEmpty ? mark.description : ":\(mark)"
        }
        var text = location.isEmpty ? "error: \(message)" : "\(location): error: \(message)"
        if let keyPath {
            text += " (at \(keyPath))"
        }
        return text
    }
}
