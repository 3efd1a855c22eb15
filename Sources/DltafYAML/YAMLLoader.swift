/// Loads a single YAML document into a located `YAMLNode` tree using libyaml's event API.
///
/// Scalars resolve with the YAML 1.2 core schema; duplicate keys, undefined aliases, extra documents and unknown
/// tags are errors; merge keys (`<<`) are applied; depth, anchors and alias expansion are bounded by `YAMLLimits`.
public enum YAMLLoader {
    /// Parses exactly one YAML document from UTF-8 bytes (a leading BOM is allowed).
    ///
    /// - Returns: the root node, or nil for an empty stream or a document with no content.
    /// - Throws: a `YAMLError` carrying `file`, the 1-based mark and the key path where known.
    public static func load(
        _ bytes: [UInt8],
        file: String? = nil,
        limits: YAMLLimits = .default
    ) throws(YAMLError) -> YAMLNode? {
        try limits.checkSize(of: bytes, file: file)
        do throws(YAMLError) {
            // libyaml keeps the raw pointer, so the whole parse happens inside this closure.
            return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
                var builder = TreeBuilder(limits: limits)
                try EventReader.read(buffer) { (event) throws(YAMLError) in
                    try builder.consume(event)
                }
                return builder.root
            }
        } catch {
            var located = error
            located.file = file
            throw located
        }
    }

    /// Parses exactly one YAML document from a string; see `load(_:file:limits:)` for bytes.
    public static func load(
        _ text: String,
        file: String? = nil,
        limits: YAMLLimits = .default
    ) throws(YAMLError) -> YAMLNode? {
        try load(Array(text.utf8), file: file, limits: limits)
    }
}
