public import DltafJSON

/// `--set a.b[0].c=value` overrides, applied after loading and before validation.
///
/// A key containing dots is written in brackets and quotes: `run.plugin_settings["acme.runner"].env.X=1`.
/// The value is read as JSON when it parses (`10`, `true`, `["a"]`, `"quoted"`) and as a plain string
/// otherwise. Missing intermediate nodes are created: a mapping, or a list when the next step is an index.
///
/// Overrides are applied after templating, so a `${ENV:...}` or `${FILE:...}` placeholder in a value would reach
/// plugins as written: such a value is refused (`override.placeholder`); the shell expands `$X` instead.
public struct Override: Sendable, Equatable {
    /// Where the value goes.
    public var path: ManifestPath
    /// The value.
    public var value: JSONValue
    /// The argument as written.
    public var argument: String

    /// Parses one `--set` argument.
    public init(parsing argument: String) throws(ManifestError) {
        func invalid(_ reason: String) -> ManifestError {
            ManifestError(
                ManifestDiagnostic(
                    code: "override.invalid", message: "--set \(argument): \(reason)", file: "(command line)",
                    mark: nil,
                    path: nil))
        }
        guard let equals = argument.firstIndex(of: "=") else { throw invalid("expected KEY=VALUE") }
        let key = argument[..<equals]
        let raw = String(argument[argument.index(after: equals)...])
        var components: [ManifestPath.Component] = []
        var current = ""
        var index = key.startIndex
        while index < key.endIndex {
            let character = key[index]
            switch character {
            case ".":
                guard !current.isEmpty else { throw invalid("empty key in \"\(key)\"") }
                components.append(.key(current))
                current = ""
            case "[":
                if !current.isEmpty {
                    components.append(.key(current))
                    current = ""
                }
                let inner = key.index(after: index)
                if inner < key.endIndex, key[inner] == "\"" {
                    // ["a.b"]: a key that contains dots, such as a plugin spec.
                    guard let endQuote = key[key.index(after: inner)...].firstIndex(of: "\""),
                        key.index(after: endQuote) < key.endIndex, key[key.index(after: endQuote)] == "]"
                    else { throw invalid("expected [\"key\"] in \"\(key)\"") }
                    components.append(.key(String(key[key.index(after: inner)..<endQuote])))
                    index = key.index(after: endQuote)
                } else {
                    guard let close = key[index...].firstIndex(of: "]"),
                        let number = Int(key[inner..<close]),
                        number >= 0
                    else { throw invalid("expected [index] with a number, or [\"key\"], in \"\(key)\"") }
                    components.append(.index(number))
                    index = close
                }
                let next = key.index(after: index)
                if next < key.endIndex, key[next] != ".", key[next] != "[" {
                    throw invalid("expected '.' or '[' after ] in \"\(key)\"")
                }
                if next < key.endIndex, key[next] == "." { index = next }
            case "]":
                throw invalid("unbalanced ] in \"\(key)\"")
            default:
                current.append(character)
            }
            index = key.index(after: index)
        }
        // A trailing '.' names an empty last key; without this check `a.=1` would silently replace all of `a`.
        if key.last == "." { throw invalid("empty key in \"\(key)\"") }
        if !current.isEmpty { components.append(.key(current)) }
        guard !components.isEmpty else { throw invalid("empty key") }
        if case .index = components[0] { throw invalid("the path must start with a key") }
        self.path = ManifestPath(components)
        let value = (try? JSONParser.parse(raw)) ?? .string(raw)
        if let placeholder = Self.placeholder(in: value) {
            throw ManifestError(
                ManifestDiagnostic(
                    code: "override.placeholder",
                    message: "--set \(argument): \(placeholder) is not resolved in --set values (they are applied "
                        + "after templating); let the shell expand the variable, e.g. --set \"KEY=$X\"",
                    file: "(command line)", mark: nil, path: nil))
        }
        self.value = value
        self.argument = argument
    }

    /// The first `${ENV:` or `${FILE:` placeholder written in a string of `value`, as written.
    private static func placeholder(in value: JSONValue) -> String? {
        switch value {
        case .string(let text):
            for opening in ["${ENV:", "${FILE:"] {
                guard let start = text.firstRange(of: opening) else { continue }
                let end = text[start.lowerBound...].firstIndex(of: "}").map { text.index(after: $0) } ?? text.endIndex
                return String(text[start.lowerBound..<end])
            }
            return nil
        case .array(let items): return items.lazy.compactMap(placeholder(in:)).first
        case .object(let object): return object.values.lazy.compactMap(placeholder(in:)).first
        default: return nil
        }
    }

    /// Applies the overrides in order.
    public static func apply(_ overrides: [Override], to manifest: inout Manifest) throws(ManifestError) {
        for override in overrides {
            do {
                manifest.value = try set(override.value, at: override.path.components[...], in: manifest.value)
            } catch {
                throw ManifestError(
                    ManifestDiagnostic(
                        code: "override.conflict", message: "--set \(override.argument): \(error.reason)",
                        file: manifest.file, mark: manifest.sourceMap.mark(at: override.path), path: override.path))
            }
            manifest.sourceMap.markOverridden(override.path)
        }
    }

    private struct Conflict: Error {
        var reason: String
    }

    private static func set(_ value: JSONValue, at path: ArraySlice<ManifestPath.Component>, in node: JSONValue)
        throws(Conflict) -> JSONValue
    {
        guard let first = path.first else { return value }
        let rest = path.dropFirst()
        let fresh: JSONValue = {
            if case .index = rest.first { return .array([]) }
            return .object(JSONObject())
        }()
        switch first {
        case .key(let key):
            var object: JSONObject
            switch node {
            case .object(let existing): object = existing
            case .null: object = JSONObject()
            default: throw Conflict(reason: "cannot set key \"\(key)\" inside \(node.typeDescription)")
            }
            object[key] = try set(value, at: rest, in: object[key] ?? fresh)
            return .object(object)
        case .index(let index):
            var items: [JSONValue]
            switch node {
            case .array(let existing): items = existing
            case .null: items = []
            default: throw Conflict(reason: "cannot set index [\(index)] inside \(node.typeDescription)")
            }
            guard index <= items.count + 1000 else {
                throw Conflict(reason: "index [\(index)] is too far past the end")
            }
            while items.count <= index { items.append(.null) }
            items[index] = try set(value, at: rest, in: items[index].isNull ? fresh : items[index])
            return .array(items)
        }
    }
}
