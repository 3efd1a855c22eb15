/// A 1-based position in the source text.
///
/// The column counts Unicode scalars, as libyaml does, so `é€: ü` puts the value at column 5 even though it starts at
/// byte 8.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int

    /// Creates a mark from 1-based coordinates.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, the form compilers and editors understand.
    public var description: String { "\(line):\(column)" }
}
