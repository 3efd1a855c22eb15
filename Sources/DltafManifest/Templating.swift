import DltafJSON
import Foundation

/// Resolves `${ENV:NAME|default}` placeholders and `TODAY_STR`, as the Python dltaf does, and `${FILE:path}`.
///
/// A placeholder must be the whole string value. An unset or empty variable takes the default (which may be
/// empty); with no default it becomes an empty string and a warning is recorded. `${FILE:path}` becomes the
/// file's content (see `FileReference`), which is recorded as a secret; a file that cannot be read is a located
/// error.
enum Templating {
    static func apply(to manifest: inout Manifest, environment: [String: String], today: Date)
        throws(ManifestError)
    {
        let todayText = UTCDate(today).slashedDate
        var context = Context(environment: environment, today: todayText, manifest: manifest)
        manifest.value = context.resolve(manifest.value, at: .root)
        guard context.errors.isEmpty else { throw ManifestError(context.errors + context.warnings) }
        manifest.warnings += context.warnings
        manifest.environmentReferences = context.references
        manifest.secretValues += context.secrets
    }

    private struct Context {
        let environment: [String: String]
        let today: String
        let manifest: Manifest
        var warnings: [ManifestDiagnostic] = []
        var errors: [ManifestDiagnostic] = []
        var references: [String] = []
        /// Contents of `${FILE:...}` files.
        var secrets: [String] = []

        mutating func resolve(_ value: JSONValue, at path: ManifestPath) -> JSONValue {
            // Most subtrees hold nothing to resolve: leave them as they are, without rebuilding them.
            guard Self.mayNeedTemplating(value) else { return value }
            switch value {
            case .string(let text): return .string(resolve(text, at: path))
            case .array(let items):
                return .array(items.enumerated().map { resolve($1, at: path.appending(index: $0)) })
            case .object(let object):
                var result = JSONObject()
                for (key, member) in object {
                    result.appendUnchecked(key: key, value: resolve(member, at: path.appending(key)))
                }
                return .object(result)
            default: return value
            }
        }

        /// Whether a string in `value` holds `$` (a `${ENV:...}` or `${FILE:...}`) or `TODAY_STR`: a byte scan.
        static func mayNeedTemplating(_ value: JSONValue) -> Bool {
            switch value {
            case .string(let text):
                return text.utf8.contains { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "T") }
            case .array(let items): return items.contains(where: mayNeedTemplating)
            case .object(let object): return object.contains { mayNeedTemplating($0.value) }
            default: return false
            }
        }

        mutating func resolve(_ text: String, at path: ManifestPath) -> String {
            if let reference = FileReference(text) {
                do {
                    let content = try reference.read(relativeTo: manifest.directory)
                    if !secrets.contains(content) { secrets.append(content) }
                    return content
                } catch {
                    errors.append(
                        manifest.diagnostic(
                            "manifest.file_unreadable", "cannot read ${FILE:\(reference.path)}: \(error)", at: path))
                    return ""
                }
            }
            if let placeholder = Placeholder(text) {
                if !references.contains(placeholder.name) { references.append(placeholder.name) }
                if let value = environment[placeholder.name], !value.isEmpty { return value }
                if let fallback = placeholder.fallback { return fallback }
                warnings.append(
                    manifest.diagnostic(
                        "manifest.env_unset",
                        "environment variable \(placeholder.name) is not set and ${ENV:\(placeholder.name)} has no "
                            + "default; using an empty string (write ${ENV:\(placeholder.name)|default})",
                        at: path, severity: .warning))
                return ""
            }
            return text.contains("TODAY_STR") ? text.replacingOccurrences(of: "TODAY_STR", with: today) : text
        }
    }
}

/// A whole-value `${ENV:NAME}` or `${ENV:NAME|default}` placeholder.
public struct Placeholder: Sendable, Equatable {
    /// The variable name.
    public var name: String
    /// The default after `|`, if written.
    public var fallback: String?

    /// Parses `text` if the whole of it is a placeholder.
    public init?(_ text: String) {
        guard text.hasPrefix("${ENV:"), text.hasSuffix("}") else { return nil }
        let inner = text.dropFirst(6).dropLast()
        let name: Substring
        if let bar = inner.firstIndex(of: "|") {
            name = inner[..<bar]
            fallback = String(inner[inner.index(after: bar)...])
        } else {
            name = inner
            fallback = nil
        }
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({
                $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
            })
        else { return nil }
        self.name = String(name)
    }
}
