/// Resource bounds applied while loading, so hostile or broken input fails fast instead of exhausting time or memory.
public struct YAMLLimits: Sendable {
    /// Largest accepted input, checked before parsing starts.
    public var maxInputBytes: Int
    /// Deepest allowed nesting of collections (the root collection is depth 1).
    public var maxDepth: Int
    /// Total nodes that aliases may materialise in one document (each alias adds its anchored subtree's size).
    public var maxAliasExpansionNodes: Int
    /// Most anchor definitions allowed in one document.
    public var maxAnchors: Int

    /// Creates limits; the defaults are generous for configuration files.
    public init(
        maxInputBytes: Int = 1 << 20,
        maxDepth: Int = 64,
        maxAliasExpansionNodes: Int = 10_000,
        maxAnchors: Int = 1_000
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansionNodes = maxAliasExpansionNodes
        self.maxAnchors = maxAnchors
    }

    /// The default limits: 1 MiB input, depth 64, 10,000 alias-expanded nodes, 1,000 anchors.
    public static let `default` = YAMLLimits()

    /// Refuses an input larger than `maxInputBytes` before any parsing.
    func checkSize(of bytes: [UInt8], file: String?) throws(YAMLError) {
        guard bytes.count <= maxInputBytes else {
            throw YAMLError(
                code: .inputTooLarge,
                message: "input is \(bytes.count) bytes, more than the limit of \(maxInputBytes) bytes", file: file)
        }
    }
}
