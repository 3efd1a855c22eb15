import DltafJSON
import DltafYAML
import Foundation

/// Reads a manifest file: YAML with located errors, metadata keys stripped, `${ENV:...}` resolved.
public enum ManifestLoader {
    /// Top-level keys that are consumer metadata, removed before validation (`catalog`).
    public static let metadataKeys: Set<String> = ["catalog"]

    /// Loads and templates the manifest at `path`.
    ///
    /// - Parameters:
    ///   - path: the manifest file; relative paths are relative to the working directory.
    ///   - environment: the variables `${ENV:NAME}` reads.
    ///   - limits: YAML size and complexity limits.
    ///   - today: the date `TODAY_STR` becomes.
    /// - Throws: `ManifestError` naming the file, line and column.
    public static func load(
        path: String, environment: [String: String], limits: YAMLLimits = .default, today: Date = Date()
    ) throws(ManifestError) -> Manifest {
        let absolute = absolutePath(path)
        func failure(_ code: String, _ message: String, mark: YAMLMark? = nil) -> ManifestError {
            ManifestError(ManifestDiagnostic(code: code, message: message, file: absolute, mark: mark, path: nil))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw failure("manifest.not_found", "no such manifest file")
        }
        guard !isDirectory.boolValue else { throw failure("manifest.is_directory", "is a folder, not a manifest file") }
        let size = (try? FileManager.default.attributesOfItem(atPath: absolute)[.size] as? Int) ?? 0
        guard size <= limits.maxInputBytes else {
            throw failure("yaml.input_too_large", "is \(size) bytes; manifests are limited to \(limits.maxInputBytes)")
        }
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw failure("manifest.unreadable", "cannot be read (check its permissions)")
        }
        return try parse(bytes: [UInt8](data), file: absolute, environment: environment, limits: limits, today: today)
    }

    /// Parses manifest text already in memory.
    public static func parse(
        bytes: [UInt8], file: String, environment: [String: String], limits: YAMLLimits = .default,
        today: Date = Date()
    ) throws(ManifestError) -> Manifest {
        let node: YAMLNode?
        do {
            node = try YAMLLoader.load(bytes, file: file, limits: limits)
        } catch {
            throw ManifestError(
                ManifestDiagnostic(
                    code: "yaml.\(snakeCase(error.code.rawValue))", message: error.message, file: file,
                    mark: error.mark, path: error.keyPath.flatMap(parseDottedPath)))
        }
        guard let node else {
            throw ManifestError(
                ManifestDiagnostic(
                    code: "manifest.empty", message: "the manifest is empty", file: file, mark: nil, path: nil))
        }
        guard node.mapping != nil else {
            throw ManifestError(
                ManifestDiagnostic(
                    code: "manifest.not_mapping",
                    message: "a manifest must be a mapping of keys (version, pipeline, source, ...)",
                    file: file, mark: node.mark, path: nil))
        }
        let (value, sourceMap) = SourceMap.convert(node)
        var manifest = Manifest(
            file: file, directory: (file as NSString).deletingLastPathComponent, value: value, sourceMap: sourceMap)
        if case .object(var root) = manifest.value {
            for key in metadataKeys { root[key] = nil }
            manifest.value = .object(root)
        }
        try Templating.apply(to: &manifest, environment: environment, today: today)
        return manifest
    }

    /// `path` made absolute against the working directory and normalised.
    public static func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        // Lexical, like Python's os.path.normpath: empty and "." steps dropped, ".." removes one step.
        // (NSString.standardizingPath also resolves symlinks on Linux: a syscall per step, per manifest.)
        var steps: [Substring] = []
        for step in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch step {
            case ".": continue
            case "..": if !steps.isEmpty { steps.removeLast() }
            default: steps.append(step)
            }
        }
        return "/" + steps.joined(separator: "/")
    }

    private static func snakeCase(_ camel: String) -> String {
        var result = ""
        for character in camel {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Reads the loader's dotted key paths (`run.hooks.enable[1]`, `["a.b"]`) back into a path.
    static func parseDottedPath(_ text: String) -> ManifestPath? {
        var components: [ManifestPath.Component] = []
        var index = text.startIndex
        var key = ""
        func flush() {
            if !key.isEmpty { components.append(.key(key)) }
            key = ""
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "." {
                flush()
            } else if character == "[" {
                flush()
                guard let close = text[index...].firstIndex(of: "]") else { return nil }
                let inner = text[text.index(after: index)..<close]
                if let number = Int(inner) {
                    components.append(.index(number))
                } else {
                    components.append(.key(String(inner.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))))
                }
                index = close
            } else {
                key.append(character)
            }
            index = text.index(after: index)
        }
        flush()
        return ManifestPath(components)
    }
}
