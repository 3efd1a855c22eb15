/// A position in the source text: the 1-based mark people read, plus the byte offset tools edit at.
public struct YAMLSourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line and column (columns count Unicode scalars).
    public var mark: YAMLMark
    /// 0-based offset in bytes from the start of the input given to the parser, a leading BOM included.
    public var offset: Int

    /// Creates a position.
    public init(mark: YAMLMark, offset: Int) {
        self.mark = mark
        self.offset = offset
    }

    /// `line:column`.
    public var description: String { mark.description }
}

/// How a sequence or mapping was written.
public enum YAMLCollectionStyle: Sendable, Hashable {
    /// Indentation-based (`key: value` lines, `- item` lines).
    case block
    /// Bracketed (`{a: 1}`, `[a, b]`).
    case flow
}
