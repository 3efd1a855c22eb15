import DltafJSON
import DltafManifest
import DltafYAML
import Foundation

/// Reads YAML values the way the Python doctor compares them, `str(value or "").strip()`, and quotes them the
/// way its messages do (`repr`).
enum PythonText {
    /// `str(value or "").strip()`: null, false, 0, empty strings and empty collections become "".
    static func stripped(_ node: YAMLNode?) -> String {
        guard let node else { return "" }
        return text(node).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `str(value or "")` without the strip.
    static func text(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return ""
            case .bool(let flag): return flag ? "True" : ""
            case .int(let number): return number == 0 ? "" : String(number)
            case .double(let number): return number == 0 ? "" : scalar.text
            case .string(let text): return text
            }
        case .sequence(let items): return items.isEmpty ? "" : node.jsonValue.jsonText
        case .mapping(let entries): return entries.isEmpty ? "" : node.jsonValue.jsonText
        }
    }

    /// Python's `repr` of a value, close enough for messages: strings in single quotes, other values as written.
    static func repr(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return "None"
            case .bool(let flag): return flag ? "True" : "False"
            case .int, .double: return scalar.text
            case .string(let text): return quoted(text)
            }
        case .sequence, .mapping: return node.jsonValue.jsonText
        }
    }

    /// `'text'`, or `"text"` when the text holds a single quote and no double quote, as Python prints strings.
    static func quoted(_ text: String) -> String {
        if text.contains("'") && !text.contains("\"") { return "\"\(text)\"" }
        return "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}

extension YAMLNode {
    /// Whether the node is a mapping.
    var isMapping: Bool { mapping != nil }

    /// Whether the node is null (or an empty plain scalar).
    var isNull: Bool { scalarValue == .null }
}
