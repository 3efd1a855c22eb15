/// A plugin spec as written in `DLT_*_PLUGINS` or `run.*.plugins`.
///
/// Either a dotted module-style name (`internal.dltaf_plugins.customer_export.runner_plugin`), resolved on
/// the search path, or an explicit path (`./x`, `../x` is refused, `/abs/x`). See docs/plugins.md.
public enum PluginSpec: Sendable, Hashable, CustomStringConvertible {
    /// A dotted name, split into its segments.
    case dotted([String])
    /// An explicit path, absolute or starting with `./`.
    case path(String)

    /// Why a spec string was refused.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// The spec as written.
        public var spec: String
        /// What is wrong with it.
        public var reason: String

        public var description: String { "invalid plugin spec \"\(spec)\": \(reason)" }
    }

    /// Parses and checks a spec string.
    ///
    /// Dotted segments follow Python's module-name rules (`[A-Za-z_][A-Za-z0-9_]*`), so the flat installed
    /// name `dltaf-plugin-a-b-c` maps back to exactly one spec. Relative paths must start with `./` and may not
    /// contain `..`: the working directory is never searched implicitly, and a spec cannot climb out of its base.
    public init(parsing text: String) throws(Invalid) {
        let spec = text.trimmingWhitespace()
        func invalid(_ reason: String) -> Invalid { Invalid(spec: text, reason: reason) }
        guard !spec.isEmpty else { throw invalid("it is empty") }
        guard !spec.utf8.contains(0) else { throw invalid("it contains a NUL byte") }
        if spec.hasPrefix("/") || spec.hasPrefix("./") {
            let components = spec.split(separator: "/", omittingEmptySubsequences: true)
            guard !components.contains("..") else {
                throw invalid("'..' is not allowed in a plugin path; use an absolute path")
            }
            guard spec.last != "/" else { throw invalid("a plugin path must name a file, not a folder") }
            self = .path(spec)
            return
        }
        if spec.contains("/") {
            throw invalid("a path must start with './' or '/'; a dotted name has no '/'")
        }
        let segments = spec.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for segment in segments {
            guard let first = segment.utf8.first else { throw invalid("it has an empty segment") }
            guard Self.isIdentifierStart(first), segment.utf8.allSatisfy(Self.isIdentifierByte) else {
                throw invalid(
                    "segment \"\(segment)\" must be letters, digits and '_' and not start with a digit")
            }
        }
        self = .dotted(segments)
    }

    /// The spec as written (normalised).
    public var description: String {
        switch self {
        case .dotted(let segments): return segments.joined(separator: ".")
        case .path(let path): return path
        }
    }

    /// The file name an installed binary of this spec has on `PATH`: `dltaf-plugin-` + segments joined by `-`.
    public var installedName: String? {
        guard case .dotted(let segments) = self else { return nil }
        return "dltaf-plugin-" + segments.joined(separator: "-")
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
