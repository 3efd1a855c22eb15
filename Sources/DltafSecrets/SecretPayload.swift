import DltafJSON
import Foundation

/// A secret's key/value pairs as a backend returned them (overrides applied), read the way the Python dltaf's
/// env builders read them: the first of several alias keys that holds a non-blank value wins.
struct SecretPayload: Sendable {
    var fields: JSONObject

    init(_ fields: JSONObject) {
        self.fields = fields
    }

    /// The first present, non-blank value among `keys`.
    func first(_ keys: String...) -> JSONValue? {
        for key in keys {
            guard let value = fields[key], !value.isNull else { continue }
            if let text = value.stringValue, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            return value
        }
        return nil
    }

    /// The first value among `keys` as trimmed text, "" when none.
    func text(_ keys: String...) -> String {
        for key in keys {
            guard let value = fields[key], !value.isNull else { continue }
            let text = Self.text(of: value)
            if !text.isEmpty { return text }
        }
        return ""
    }

    /// A value as text: strings as written (trimmed), numbers without a needless `.0`, lists joined with commas.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .int(let number): return String(number)
        case .double(let number):
            return number.rounded() == number && abs(number) < 9e15 ? String(Int(number)) : "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        case .array(let items): return items.map(text(of:)).filter { !$0.isEmpty }.joined(separator: ",")
        case .object: return value.jsonText
        }
    }

    /// An integer field; `fallback` when absent. Never shows the value in the error (it came from a secret).
    func integer(_ name: String, _ keys: String..., fallback: Int) throws(BuildError) -> Int {
        var found: JSONValue?
        for key in keys {
            if let value = fields[key], !value.isNull,
                !(value.stringValue?.trimmingCharacters(in: .whitespaces).isEmpty ?? false)
            {
                found = value
                break
            }
        }
        guard let found else { return fallback }
        if let number = found.intValue { return number }
        if let text = found.stringValue, let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
        throw BuildError("\(name) must be an integer")
    }

    /// A boolean in the Python dltaf's words (1/true/yes/y/on, 0/false/no/n/off); `fallback` otherwise.
    static func bool(_ value: JSONValue?, fallback: Bool) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .int(let number)?: return number != 0
        case .double(let number)?: return number != 0
        case .string(let text)?:
            let word = text.trimmingCharacters(in: .whitespaces).lowercased()
            if ["1", "true", "yes", "y", "on"].contains(word) { return true }
            if ["0", "false", "no", "n", "off"].contains(word) { return false }
            return fallback
        default: return fallback
        }
    }
}

/// A secret that does not have what its kind needs.
struct BuildError: Error, Sendable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

/// `prefix` ending in exactly `__` (`KAFKA` → `KAFKA__`); `fallback` when blank.
func normalizedEnvironmentPrefix(_ prefix: String?, fallback: String) -> String {
    guard let prefix = prefix?.trimmingCharacters(in: .whitespaces), !prefix.isEmpty else { return fallback }
    var trimmed = Substring(prefix)
    while trimmed.hasSuffix("_") { trimmed = trimmed.dropLast() }
    return trimmed + "__"
}
