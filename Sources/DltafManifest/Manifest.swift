public import DltafJSON
import DltafYAML

/// A loaded manifest: its value after templating (and `--set`), and where each value was written.
public struct Manifest: Sendable {
    /// The manifest file, absolute.
    public var file: String
    /// The folder holding it; relative paths in the manifest are relative to it.
    public var directory: String
    /// The manifest as plugins receive it.
    public var value: JSONValue
    /// Positions of values in the file.
    public var sourceMap: SourceMap
    /// Findings that do not stop the manifest from being used (an unset variable, for example).
    public var warnings: [ManifestDiagnostic] = []
    /// The environment variables `${ENV:...}` referred to, in order of first use.
    public var environmentReferences: [String] = []
    /// Values that are secrets wherever they appear (the contents of `${FILE:...}` files): redactors hide them.
    public var secretValues: [String] = []

    /// Creates a manifest from parts (tests and tools; `ManifestLoader` is the usual way).
    public init(file: String, directory: String, value: JSONValue, sourceMap: SourceMap = SourceMap()) {
        self.file = file
        self.directory = directory
        self.value = value
        self.sourceMap = sourceMap
    }

    /// The value at `path`, if present.
    public func value(at path: ManifestPath) -> JSONValue? {
        var current: JSONValue? = value
        for component in path.components {
            switch component {
            case .key(let key): current = current?[key]
            case .index(let index):
                guard let items = current?.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// The string at `path`, if it is a non-empty string.
    public func string(at path: ManifestPath) -> String? {
        guard let text = value(at: path)?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// `pipeline.name`.
    public var pipelineName: String? { string(at: ["pipeline", "name"]) }
    /// `source.kind`.
    public var sourceKind: String? { string(at: ["source", "kind"]) }
    /// `run.write_disposition`, `replace` when absent.
    public var writeDisposition: String { string(at: ["run", "write_disposition"]) ?? "replace" }

    /// A string-or-list value as a list of strings (a single string is one item; it is not split on commas).
    public func stringList(at path: ManifestPath) -> [String] {
        switch value(at: path) {
        case .string(let text)?: return [text]
        case .array(let items)?: return items.compactMap(\.stringValue)
        default: return []
        }
    }

    /// A located diagnostic about the value at `path`.
    public func diagnostic(
        _ code: String, _ message: String, at path: ManifestPath, severity: ManifestDiagnostic.Severity = .error,
        onKey: Bool = false
    ) -> ManifestDiagnostic {
        let mark: YAMLMark?
        let overridden = sourceMap.isOverridden(path)
        if overridden {
            mark = nil
        } else {
            mark = onKey ? sourceMap.keyMark(at: path) : sourceMap.mark(at: path)
        }
        let text = overridden ? message + " (value set with --set)" : message
        return ManifestDiagnostic(severity: severity, code: code, message: text, file: file, mark: mark, path: path)
    }
}
