import DltafJSON
import Foundation

/// Fitting JSON values into column types without loss, and inferring a type from a value.
///
/// A value fits when it converts exactly: `"42"` into `bigint`, `1.0` into `bigint`, `3` into `double` (below
/// 2^53), numbers and booleans into `text` (as dlt coerces them), canonical ISO strings into `date` and
/// `timestamp`, base64 into `binary`, anything into `json`. Everything else is a conflict the schema contract
/// decides about; nothing is rounded or truncated.
enum ValueCoercion {
    /// The type a column created for `value` gets; nil for `null`.
    static func inferType(_ value: JSONValue) -> DataType? {
        switch value {
        case .null: return nil
        case .bool: return .bool
        case .int: return .bigint
        case .double: return .double
        case .string: return .text
        case .array, .object: return .json
        }
    }

    /// `value` as a cell of `type`, or nil when it does not fit exactly.
    static func coerce(_ value: JSONValue, to type: DataType) -> Cell? {
        if case .null = value { return .null }
        switch type {
        case .bigint: return bigint(value)
        case .double: return double(value)
        case .text: return text(value)
        case .bool:
            if case .bool(let flag) = value { return .bool(flag) }
            if case .string(let word) = value, word == "true" || word == "false" { return .bool(word == "true") }
            return nil
        case .decimal(let precision, let scale): return decimal(value, precision: precision, scale: scale)
        case .date:
            guard case .string(let text) = value, TemporalText.isDate(text) else { return nil }
            return .text(text)
        case .timestamp:
            guard case .string(let text) = value, TemporalText.isTimestamp(text) else { return nil }
            return .text(text)
        case .json: return .text(JSONWriter().string(value))
        case .binary:
            guard case .string(let text) = value, let data = Data(base64Encoded: text) else { return nil }
            return .bytes([UInt8](data))
        }
    }

    /// Whether any string inside `value` holds a NUL character (PostgreSQL's text and jsonb cannot).
    static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return text.utf8.contains(0)
        case .array(let elements): return elements.contains(where: containsNUL)
        case .object(let object): return object.contains { $0.key.utf8.contains(0) || containsNUL($0.value) }
        default: return false
        }
    }

    private static let exactDoubleLimit = 9_007_199_254_740_992.0

    private static func bigint(_ value: JSONValue) -> Cell? {
        switch value {
        case .int(let number): return .int(Int64(number))
        case .double(let number):
            guard number.rounded() == number, abs(number) < exactDoubleLimit else { return nil }
            return .int(Int64(number))
        case .string(let text):
            // Only the canonical spelling, so that storing the number loses nothing of the text.
            guard isCanonicalInteger(text), let number = Int64(text) else { return nil }
            return .int(number)
        default: return nil
        }
    }

    /// `0` or `-?[1-9][0-9]*`: no sign `+`, no leading zeros, no `-0`.
    private static func isCanonicalInteger(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var digits = bytes[...]
            if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            guard let first = digits.first, digits.allSatisfy(DecimalText.isDigit) else { return false }
            return first != UInt8(ascii: "0") || (digits.count == 1 && digits.count == bytes.count)
        }
    }

    private static func double(_ value: JSONValue) -> Cell? {
        switch value {
        case .double(let number): return .double(number)
        case .int(let number):
            guard let exact = Double(exactly: number) else { return nil }
            return .double(exact)
        case .string(let text):
            guard let number = Double(text), number.isFinite else { return nil }
            return .double(number)
        default: return nil
        }
    }

    private static func text(_ value: JSONValue) -> Cell? {
        switch value {
        case .string(let text): return .text(text)
        case .int(let number): return .text(String(number))
        case .double(let number): return .text(String(number))
        case .bool(let flag): return .text(flag ? "true" : "false")
        default: return nil
        }
    }

    private static func decimal(_ value: JSONValue, precision: Int, scale: Int) -> Cell? {
        let text: String
        switch value {
        case .string(let given): text = given
        case .int(let number): text = String(number)
        // The shortest text that reads back as the same double; exponent forms are not decimals here.
        case .double(let number): text = String(number)
        default: return nil
        }
        guard DecimalText.fits(text, precision: precision, scale: scale) else { return nil }
        return .text(text)
    }
}

/// `[-+]digits[.digits]` within a precision and scale.
enum DecimalText {
    static func fits(_ text: String, precision: Int, scale: Int) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let integer = bytes.prefix { isDigit($0) }
        var rest = bytes.dropFirst(integer.count)
        var fraction = rest.prefix(0)
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fraction = rest.prefix { isDigit($0) }
            rest = rest.dropFirst(fraction.count)
        }
        guard rest.isEmpty, !integer.isEmpty || !fraction.isEmpty else { return false }
        let significant = integer.drop { $0 == UInt8(ascii: "0") }.count
        return fraction.count <= scale && significant <= precision - scale
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
