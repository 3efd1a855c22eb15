public import DltafJSON

/// Writes a JSON value as block-style YAML, quoting every string that a YAML 1.1 or 1.2 reader could take
/// for something else (`no`, `1.0`, `null`, `: `...).
public enum YAMLRenderer {
    /// The YAML text of `value`, ending with a newline.
    public static func render(_ value: JSONValue) -> String {
        var lines: [String] = []
        switch value {
        case .object(let object) where !object.isEmpty: renderObject(object, indent: 0, into: &lines)
        case .array(let items) where !items.isEmpty: renderArray(items, indent: 0, into: &lines)
        default: lines.append(scalar(value))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func renderObject(_ object: JSONObject, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for (key, member) in object {
            let label = pad + quoteIfNeeded(key) + ":"
            switch member {
            case .object(let nested) where !nested.isEmpty:
                lines.append(label)
                renderObject(nested, indent: indent + 2, into: &lines)
            case .array(let items) where !items.isEmpty:
                lines.append(label)
                renderArray(items, indent: indent + 2, into: &lines)
            default:
                lines.append(label + " " + scalar(member))
            }
        }
    }

    private static func renderArray(_ items: [JSONValue], indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .object(let nested) where !nested.isEmpty:
                var nestedLines: [String] = []
                renderObject(nested, indent: indent + 2, into: &nestedLines)
                // The first member shares the dash's line.
                let first = nestedLines[0].dropFirst(indent + 2)
                lines.append(pad + "- " + first)
                lines.append(contentsOf: nestedLines.dropFirst())
            case .array(let nested) where !nested.isEmpty:
                lines.append(pad + "-")
                renderArray(nested, indent: indent + 2, into: &lines)
            default:
                lines.append(pad + "- " + scalar(item))
            }
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if number.isNaN { return ".nan" }
            if number.isInfinite { return number > 0 ? ".inf" : "-.inf" }
            return String(number)
        case .string(let text): return quoteIfNeeded(text)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    /// Words YAML 1.1 readers (PyYAML, the Python dltaf) take for booleans or null.
    private static let ambiguousWords: Set<String> = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ]

    static func quoteIfNeeded(_ text: String) -> String {
        needsQuotes(text) ? doubleQuoted(text) : text
    }

    /// A YAML double-quoted scalar: JSON's escapes, plus `\u` escapes for the characters YAML may not hold raw
    /// (DEL and C1 controls are refused by readers; NEL, U+2028 and U+2029 are line breaks; a BOM is stripped).
    private static func doubleQuoted(_ text: String) -> String {
        var result = ""
        for scalar in JSONValue.string(text).jsonText.unicodeScalars {
            if mustEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    private static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if ambiguousWords.contains(text.lowercased()) { return true }
        // A plain `<<` key is a merge key.
        if text == "<<" { return true }
        if first == " " || last == " " || first.isNumber || first == "." || first == "-" || first == "+" { return true }
        if "!&*{}[],#|>'\"%@`?:".contains(first) { return true }
        if text.contains(": ") || text.contains(" #") || last == ":" { return true }
        return text.unicodeScalars.contains { $0.value < 0x20 || mustEscape($0) }
    }
}
