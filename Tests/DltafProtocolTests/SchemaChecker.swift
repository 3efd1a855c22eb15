import DltafJSON
import Foundation

/// The JSON Schemas of `protocol/schema`, and a checker for the subset of JSON Schema 2020-12 they use
/// (`$ref` to a file, `allOf`, `oneOf`, `if`/`then`, `type`, `enum`, `const`, `required`, `properties`,
/// `additionalProperties`, `items`, `minItems`, `minimum`, `minLength`, `pattern`).
///
/// Besides validating, the checker records which declared properties the instances emitted, so a member that a
/// schema declares and no model emits, or that a model emits and no schema declares, is a finding.
struct SchemaChecker {
    /// The schema documents by file name (their `$id`).
    let documents: [String: JSONValue]
    /// What is wrong so far.
    private(set) var problems: [String] = []
    /// Per object node (`file#/member/member`): the properties its schema declares, and the ones emitted.
    private var coverage: [String: (declared: Set<String>, emitted: Set<String>)] = [:]

    /// The folder of the schemas, found from this file's place in the repository.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/schema")

    /// Reads every schema file.
    init() throws {
        var documents: [String: JSONValue] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        where name.hasSuffix(".json") {
            let bytes = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            documents[name] = try JSONParser.parse([UInt8](bytes))
        }
        self.documents = documents
    }

    /// Validates `instance` against the schema file `name` and records the members it emitted.
    mutating func check(_ instance: JSONValue, _ name: String, label: String) {
        guard let schema = documents[name] else {
            problems.append("\(label): no schema \(name)")
            return
        }
        for problem in validate(instance, schema, at: "") { problems.append("\(label) vs \(name): \(problem)") }
        record(instance, schema, node: name + "#", label: label)
    }

    /// Every declared property of a node that no instance emitted, as problems (call after all `check`s).
    func uncovered() -> [String] {
        coverage.sorted { $0.key < $1.key }.compactMap { node, sets in
            let missing = sets.declared.subtracting(sets.emitted)
            return missing.isEmpty ? nil : "\(node): declared but never emitted: \(missing.sorted())"
        }
    }

    /// The `enum` of the schema at `path` (member names; `[]` steps into `items`) in file `name`.
    func enumeration(_ name: String, _ path: [String]) -> Set<String> {
        var node = documents[name] ?? .null
        for step in path {
            let resolved = effectiveProperties(node)
            node = step == "[]" ? (resolve(node)["items"] ?? .null) : (resolved[step] ?? .null)
        }
        return Set(resolve(node)["enum"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    // MARK: - Validation

    private func resolve(_ schema: JSONValue) -> JSONValue {
        if let reference = schema["$ref"]?.stringValue, let target = documents[reference] { return target }
        return schema
    }

    private func validate(_ instance: JSONValue, _ schema: JSONValue, at path: String) -> [String] {
        var found: [String] = []
        let here = path.isEmpty ? "/" : path
        if let reference = schema["$ref"]?.stringValue {
            if let target = documents[reference] {
                found += validate(instance, target, at: path)
            } else {
                found.append("\(here): unresolved $ref \(reference)")
            }
        }
        for part in schema["allOf"]?.arrayValue ?? [] { found += validate(instance, part, at: path) }
        if let branches = schema["oneOf"]?.arrayValue {
            let matching = branches.filter { validate(instance, $0, at: path).isEmpty }.count
            if matching != 1 { found.append("\(here): matches \(matching) of oneOf's \(branches.count) branches") }
        }
        if let condition = schema["if"], validate(instance, condition, at: path).isEmpty, let then = schema["then"] {
            found += validate(instance, then, at: path)
        }
        if let types = schema["type"] {
            let allowed = types.arrayValue?.compactMap(\.stringValue) ?? [types.stringValue ?? ""]
            if !allowed.contains(where: { Self.has(instance, type: $0) }) {
                found.append("\(here): \(instance.typeDescription) is not \(allowed.joined(separator: " or "))")
            }
        }
        if let choices = schema["enum"]?.arrayValue, !choices.contains(instance) {
            found.append("\(here): \(instance.jsonText) is not one of \(JSONValue.array(choices).jsonText)")
        }
        if let constant = schema["const"], constant != instance {
            found.append("\(here): \(instance.jsonText) is not \(constant.jsonText)")
        }
        if let minimum = schema["minimum"]?.doubleValue, let number = instance.doubleValue, number < minimum {
            found.append("\(here): \(number) is below \(minimum)")
        }
        if let text = instance.stringValue {
            if let minimum = schema["minLength"]?.intValue, text.count < minimum {
                found.append("\(here): \"\(text)\" is shorter than \(minimum)")
            }
            if let pattern = schema["pattern"]?.stringValue, text.range(of: pattern, options: .regularExpression) == nil
            {
                found.append("\(here): \"\(text)\" does not match \(pattern)")
            }
        }
        if let items = instance.arrayValue {
            if let minimum = schema["minItems"]?.intValue, items.count < minimum {
                found.append("\(here): fewer than \(minimum) items")
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { found += validate(item, itemSchema, at: "\(path)/\(index)") }
            }
        }
        if let members = instance.objectValue {
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                found.append("\(here): required \"\(key)\" is missing")
            }
            let declared = schema["properties"]?.objectValue ?? JSONObject()
            for (key, value) in members {
                if let property = declared[key] {
                    found += validate(value, property, at: "\(path)/\(key)")
                } else if let extra = schema["additionalProperties"] {
                    if extra == .bool(false) { found.append("\(here): \"\(key)\" is not allowed") }
                    if extra.objectValue != nil { found += validate(value, extra, at: "\(path)/\(key)") }
                }
            }
        }
        return found
    }

    private static func has(_ instance: JSONValue, type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
            ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("integer", .double(let value)):
            return value.rounded() == value
        default:
            return false
        }
    }

    // MARK: - Coverage

    /// The properties a schema declares, its own and those of its `$ref` and `allOf` parts.
    private func effectiveProperties(_ schema: JSONValue) -> JSONObject {
        var merged = JSONObject()
        if let reference = schema["$ref"]?.stringValue, let target = documents[reference] {
            for (key, value) in effectiveProperties(target) { merged[key] = value }
        }
        for part in schema["allOf"]?.arrayValue ?? [] {
            for (key, value) in effectiveProperties(part) { merged[key] = value }
        }
        for (key, value) in schema["properties"]?.objectValue ?? JSONObject() { merged[key] = value }
        return merged
    }

    private mutating func record(_ instance: JSONValue, _ schema: JSONValue, node: String, label: String) {
        if let items = instance.arrayValue, let itemSchema = resolve(schema)["items"] {
            for item in items { record(item, itemSchema, node: node + "/[]", label: label) }
            return
        }
        guard let members = instance.objectValue else { return }
        let declared = effectiveProperties(schema)
        guard !declared.isEmpty else { return }  // a free-form mapping (manifest, config, env, state)
        var sets = coverage[node] ?? (Set(declared.keys), [])
        for (key, value) in members {
            sets.emitted.insert(key)
            if let property = declared[key] {
                record(value, property, node: "\(node)/\(key)", label: label)
            } else {
                problems.append("\(label): emits \"\(key)\" at \(node), which the schema does not declare")
            }
        }
        coverage[node] = sets
    }
}
