import DltafJSON
import Foundation

/// How scalars are read where the schema expects a type, as the Python dltaf coerces them.
public enum ScalarValues {
    /// Whether `text` is exactly an `${ENV:NAME}` or `${ENV:NAME|default}` placeholder (accepted anywhere a
    /// typed value is expected, so that a manifest can be checked without its environment).
    public static func isEnvironmentPlaceholder(_ text: String) -> Bool {
        let trimmed = text.trimmedBlanks
        guard trimmed.hasPrefix("${ENV:"), trimmed.hasSuffix("}") else { return false }
        let body = trimmed.dropFirst(6).dropLast()
        let name = body.prefix { $0 != "|" }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else {
            return false
        }
        return !body.dropFirst(name.count).contains("}")
    }

    /// The JSON Schema pattern of an `${ENV:...}` placeholder.
    public static let environmentPlaceholderPattern = #"^\s*\$\{ENV:[A-Z0-9_]+(\|[^}]*)?\}\s*$"#

    /// A boolean: JSON booleans, numbers, and the words `1/true/yes/y/on`, `0/false/no/n/off` (any case).
    public static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .double(let number): return number != 0
        case .string(let text):
            switch text.trimmedBlanks.lowercased() {
            case "1", "true", "yes", "y", "on": return true
            case "0", "false", "no", "n", "off": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// An integer: JSON integers and integer strings (not booleans, not fractions).
    public static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .string(let text): return Int(text.trimmedBlanks)
        default: return nil
        }
    }

    /// A number: JSON numbers and numeric strings.
    public static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .string(let text): return Double(text.trimmedBlanks)
        default: return nil
        }
    }

    /// Whether `text` is an ISO 8601 date (`2025-01-01`) or date-time (`2025-01-01T00:00:00Z`, with
    /// optional fraction and offset, `T` or a space between), as Python's `fromisoformat` reads them.
    public static func isISODate(_ text: String) -> Bool {
        let characters = Array(text.trimmedBlanks.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            var number = 0
            for index in range {
                let byte = characters[index]
                guard byte >= 48, byte <= 57 else { return nil }
                number = number * 10 + Int(byte - 48)
            }
            return number
        }
        guard characters.count >= 10, digits(0..<4) != nil, characters[4] == 45, let month = digits(5..<7),
            characters[7] == 45, let day = digits(8..<10), (1...12).contains(month), (1...31).contains(day)
        else { return false }
        if characters.count == 10 { return true }
        guard characters[10] == 84 || characters[10] == 32 else { return false }
        let time = String(decoding: characters[11...], as: UTF8.self)
        return isISOTime(time)
    }

    /// `HH[:MM[:SS[.ffffff]]]` with an optional `Z` or `±HH:MM` offset.
    private static func isISOTime(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasSuffix("Z") {
            body = body.dropLast()
        } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...]
            guard isClock(offset, allowFraction: false) else { return false }
            body = body[..<sign]
        }
        return isClock(body, allowFraction: true)
    }

    private static func isClock(_ text: Substring, allowFraction: Bool) -> Bool {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return false }
        if allowFraction, parts.count == 3, let dot = parts[2].firstIndex(of: ".") {
            let fraction = parts[2][parts[2].index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isNumber) else { return false }
            parts[2] = parts[2][..<dot]
        }
        let limits = [23, 59, 59]
        for (index, part) in parts.enumerated() {
            guard part.count == 2, let number = Int(part), number <= limits[index] else { return false }
        }
        return true
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (cheaper than Foundation's `trimmingCharacters(in:)`, which
    /// bridges through NSString; lint calls it for every scalar).
    var trimmedBlanks: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
