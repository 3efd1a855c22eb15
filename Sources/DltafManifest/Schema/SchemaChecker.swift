import DltafJSON
import Foundation

/// Checks a manifest against the schema, with one located finding per problem.
public struct SchemaChecker {
    private let manifest: Manifest
    private let strictness: SchemaStrictness
    private(set) var findings: [ManifestDiagnostic] = []

    /// Every finding about `manifest` against `ManifestSchema.root`.
    public static func check(_ manifest: Manifest, strictness: SchemaStrictness) -> [ManifestDiagnostic] {
        var checker = SchemaChecker(manifest: manifest, strictness: strictness)
        checker.check(manifest.value, against: ManifestSchema.root, at: .root)
        return checker.findings
    }

    private init(manifest: Manifest, strictness: SchemaStrictness) {
        self.manifest = manifest
        self.strictness = strictness
    }

    private mutating func add(_ code: String, _ message: String, _ path: ManifestPath, onKey: Bool = false) {
        findings.append(manifest.diagnostic(code, message, at: path, onKey: onKey))
    }

    private mutating func check(_ value: JSONValue, against node: SchemaNode, at path: ManifestPath) {
        switch node {
        case .any:
            return
        case .scalar(let scalar):
            checkScalar(value, scalar, at: path)
        case .object(let object):
            guard let entries = value.objectValue else {
                return add("manifest.type", "\(label(path)) must be a mapping, got \(value.typeDescription)", path)
            }
            checkObject(entries, object, at: path)
        case .list(let item, let acceptsSingle, let nonEmpty):
            if acceptsSingle, value.stringValue != nil { return check(value, against: item, at: path) }
            guard let items = value.arrayValue else {
                let expected = acceptsSingle ? "a list (or a single string)" : "a list"
                return add("manifest.type", "\(label(path)) must be \(expected), got \(value.typeDescription)", path)
            }
            if nonEmpty, items.isEmpty { add("manifest.empty_value", "\(label(path)) must not be empty", path) }
            for (index, element) in items.enumerated() {
                check(element, against: item, at: path.appending(index: index))
            }
        case .map(let valueNode):
            guard let entries = value.objectValue else {
                return add("manifest.type", "\(label(path)) must be a mapping, got \(value.typeDescription)", path)
            }
            // A null entry is an entry without settings.
            for (key, element) in entries where !element.isNull {
                check(element, against: valueNode, at: path.appending(key))
            }
        case .anyOf(let options, let expected):
            checkAlternatives(value, options, expected: expected, at: path)
        case .discriminated(let key, let cases, let fallback):
            guard value.objectValue != nil else {
                return add("manifest.type", "\(label(path)) must be a mapping, got \(value.typeDescription)", path)
            }
            let discriminator = value[key]?.stringValue?.trimmedBlanks ?? ""
            let chosen = cases.first { $0.values.contains(discriminator) }?.node ?? fallback
            check(value, against: chosen, at: path)
        }
    }

    private mutating func checkObject(_ entries: JSONObject, _ object: ObjectSchema, at path: ManifestPath) {
        if strictness.forbids(object.extra) {
            for key in entries.keys where object.property(key) == nil {
                add(
                    "manifest.unknown_key",
                    "unknown key \"\(key)\" in \(object.name)\(Suggestions.hint(for: key, in: object.keys)); "
                        + "expected one of: \(object.keys.joined(separator: ", "))",
                    path.appending(key), onKey: true)
            }
        }
        for property in object.properties {
            let child = path.appending(property.key)
            guard let value = entries[property.key], !value.isNull else {
                if property.required { addMissing(property, at: child) }
                continue
            }
            check(value, against: property.node, at: child)
        }
        for rule in object.rules { checkRule(rule, entries, at: path) }
    }

    private mutating func addMissing(_ property: ObjectSchema.Property, at path: ManifestPath) {
        var finding = manifest.diagnostic(
            "manifest.missing_key", "missing required key \"\(path)\" (\(expectation(of: property.node)))",
            at: path.parent ?? path, onKey: true)
        finding.path = path
        findings.append(finding)
    }

    private mutating func checkRule(_ rule: ObjectRule, _ entries: JSONObject, at path: ManifestPath) {
        func isSet(_ key: String) -> Bool {
            guard let value = entries[key], !value.isNull else { return false }
            if let items = value.arrayValue { return !items.isEmpty }
            if let text = value.stringValue { return !text.trimmedBlanks.isEmpty }
            return true
        }
        let location = path.components.isEmpty ? "the manifest" : path.description
        switch rule {
        case .exclusive(let key, let others):
            let clashing = others.filter(isSet)
            if isSet(key), !clashing.isEmpty {
                add(
                    "manifest.selection_conflict",
                    "\(location).\(key) cannot be combined with \(others.joined(separator: " or "))",
                    path.appending(key), onKey: true)
            }
        case .exactlyOne(let keys):
            let present = keys.filter(isSet)
            if present.count != 1 {
                add(
                    "manifest.conflict",
                    "\(location) must have exactly one of: \(keys.joined(separator: " | "))"
                        + (present.isEmpty ? "" : " (found \(present.joined(separator: ", ")))"), path)
            }
        case .atLeastOne(let keys):
            if !keys.contains(where: isSet) {
                add("manifest.missing_key", "\(location) needs \(keys.joined(separator: " or "))", path)
            }
        case .eitherOr(let single, let group):
            let groupSet = group.filter(isSet)
            if isSet(single), !groupSet.isEmpty {
                add(
                    "manifest.conflict",
                    "\(location) must use either \(single) or \(group.joined(separator: "/")), not both", path)
            } else if !isSet(single), groupSet.count != group.count {
                add(
                    "manifest.missing_key",
                    "\(location) needs \(single), or all of \(group.joined(separator: " and "))", path)
            }
        case .when(let key, let expected, let requires):
            if entries[key]?.stringValue == expected, !requires.contains(where: isSet) {
                add(
                    "manifest.missing_key",
                    "\(location).\(key) = \(expected) needs \(requires.joined(separator: " and/or "))",
                    path.appending(key))
            }
        }
    }

    private mutating func checkAlternatives(
        _ value: JSONValue, _ options: [SchemaNode], expected: String, at path: ManifestPath
    ) {
        var best: [ManifestDiagnostic]?
        for option in options {
            var trial = SchemaChecker(manifest: manifest, strictness: strictness)
            trial.check(value, against: option, at: path)
            if trial.findings.isEmpty { return }
            // A mapping that fits an object alternative's type: its own findings are the useful ones.
            if case .object = option, value.objectValue != nil { best = trial.findings }
        }
        if let best {
            findings += best
        } else {
            add("manifest.type", "\(label(path)) must be \(expected), got \(describe(value))", path)
        }
    }

    private mutating func checkScalar(_ value: JSONValue, _ scalar: ScalarSchema, at path: ManifestPath) {
        if let text = value.stringValue, ScalarValues.isEnvironmentPlaceholder(text) {
            if case .string = scalar.kind {} else { return }
        }
        switch scalar.kind {
        case .string(let nonEmpty):
            guard let text = value.stringValue else {
                return add("manifest.type", "\(label(path)) must be a string, got \(describe(value))", path)
            }
            if nonEmpty, text.trimmedBlanks.isEmpty {
                add("manifest.empty_value", "\(label(path)) must not be empty", path)
            }
        case .choice(let choices, let caseInsensitive):
            guard let text = value.stringValue else {
                return add(
                    "manifest.type",
                    "\(label(path)) must be one of \(choices.joined(separator: ", ")), got \(describe(value))", path)
            }
            let candidate = caseInsensitive ? text.trimmedBlanks.lowercased() : text
            if !choices.contains(candidate) {
                add(
                    "manifest.invalid_value",
                    "\(label(path)) must be one of \(choices.joined(separator: ", ")), got \(describe(value))"
                        + Suggestions.hint(for: text, in: choices), path)
            }
        case .boolean:
            // An empty string is what an unset `${ENV:NAME}` leaves: no value.
            if value != "", ScalarValues.boolean(value) == nil {
                add(
                    "manifest.type",
                    "\(label(path)) must be a boolean (true/false; yes/no/on/off are read as booleans here), "
                        + "got \(describe(value))", path)
            }
        case .integer(let minimum):
            guard let number = ScalarValues.integer(value) else {
                return add("manifest.type", "\(label(path)) must be an integer, got \(describe(value))", path)
            }
            if let minimum, number < minimum {
                add("manifest.invalid_value", "\(label(path)) must be at least \(minimum), got \(number)", path)
            }
        case .number(let range):
            guard let number = ScalarValues.number(value) else {
                return add("manifest.type", "\(label(path)) must be a number, got \(describe(value))", path)
            }
            if !range.contains(number) {
                add(
                    "manifest.invalid_value",
                    "\(label(path)) must be between \(range.lowerBound) and \(range.upperBound), got \(number)", path)
            }
        case .isoDate:
            guard let text = value.stringValue, ScalarValues.isISODate(text) else {
                return add(
                    "manifest.invalid_value",
                    "\(label(path)) must be an ISO date or date-time (2025-01-01, 2025-01-01T00:00:00Z), "
                        + "got \(describe(value))", path)
            }
        case .exactInteger(let expected):
            if ScalarValues.integer(value) ?? ScalarValues.number(value).flatMap({ Int(exactly: $0) }) != expected {
                add(
                    "manifest.version_unsupported",
                    "unsupported manifest \(label(path)) \(value.jsonText); expected \(expected)", path)
            }
        }
    }

    private func label(_ path: ManifestPath) -> String {
        path.components.isEmpty ? "the manifest" : path.description
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string, .int, .double, .bool: return "\(value.jsonText) (\(value.typeDescription))"
        default: return value.typeDescription
        }
    }

    private func expectation(of node: SchemaNode) -> String {
        switch node {
        case .object: return "a mapping"
        case .discriminated: return "a mapping"
        case .list: return "a list"
        case .map: return "a mapping"
        case .scalar(let scalar):
            switch scalar.kind {
            case .string: return "a non-empty string"
            case .choice(let choices, _): return "one of \(choices.joined(separator: ", "))"
            case .boolean: return "a boolean"
            case .integer, .exactInteger: return "an integer"
            case .number: return "a number"
            case .isoDate: return "an ISO date"
            }
        case .anyOf(_, let expected): return expected
        case .any: return "any value"
        }
    }
}
