import CLibYAML

/// Parses one YAML document into `YAMLSyntaxNode`s: the layout of the text, with byte ranges, for tools that edit
/// a file in place (`dltaf manifest doctor --apply`).
///
/// It checks only what the layout needs (syntax, one document, size and depth limits). Load with `YAMLLoader` first
/// to learn what the document means and to enforce every other rule.
public enum YAMLSyntaxParser {
    /// Parses UTF-8 bytes (a leading BOM is allowed; offsets count it).
    ///
    /// - Returns: the root node, or nil for an empty stream or a document with no content.
    /// - Throws: a `YAMLError` with `file` and the 1-based mark.
    public static func parse(
        _ bytes: [UInt8], file: String? = nil, limits: YAMLLimits = .default
    ) throws(YAMLError) -> YAMLSyntaxNode? {
        try limits.checkSize(of: bytes, file: file)
        do throws(YAMLError) {
            return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLSyntaxNode? in
                let hasBOM = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
                let offsets = SourceOffsets(
                    input: hasBOM ? UnsafeBufferPointer(rebasing: buffer[3...]) : buffer, prefix: hasBOM ? 3 : 0)
                var builder = SyntaxTreeBuilder(maxDepth: limits.maxDepth)
                try EventReader.readRaw(buffer) { (event) throws(YAMLError) in
                    try builder.consume(event, offsets: offsets)
                }
                return builder.root
            }
        } catch {
            var located = error
            located.file = file
            throw located
        }
    }

    /// Parses a string; see `parse(_:file:limits:)`.
    public static func parse(
        _ text: String, file: String? = nil, limits: YAMLLimits = .default
    ) throws(YAMLError) -> YAMLSyntaxNode? {
        try parse(Array(text.utf8), file: file, limits: limits)
    }
}
