/// YAML 1.2 core schema resolution, written as byte checks rather than regexes because it runs for every scalar.
enum ScalarResolver {
    /// Resolves a scalar's value from its style and tag; nil when the tag cannot describe the text
    /// (the caller reports `.badTaggedValue`). Collection tags on a scalar also yield nil.
    static func value(text: String, style: YAMLScalarStyle, tag: CoreTag?) -> YAMLScalarValue? {
        switch tag {
        case nil:
            return style == .plain ? plain(text) : .string(text)
        case .str, .nonSpecific, .merge:
            return .string(text)
        case .int:
            return int(text).map(YAMLScalarValue.int)
        case .float:
            return double(text).map(YAMLScalarValue.double)
        case .bool:
            return bool(text).map(YAMLScalarValue.bool)
        case .null:
            return isNull(text) ? .null : nil
        case .map, .seq:
            return nil
        }
    }

    /// Resolves an untagged plain scalar: null, bool, int, float, else string.
    static func plain(_ text: String) -> YAMLScalarValue {
        if isNull(text) { return .null }
        if let bool = bool(text) { return .bool(bool) }
        // An integer too large for `Int` stays a string rather than falling through to the float rule.
        if isIntSyntax(text) { return int(text).map(YAMLScalarValue.int) ?? .string(text) }
        if let double = double(text) { return .double(double) }
        return .string(text)
    }

    /// `null | Null | NULL | ~ | ` (empty).
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// `true | True | TRUE | false | False | FALSE` only, so YAML 1.1's `yes`/`no`/`on`/`off` stay strings.
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// True for `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`, whether or not the value fits in `Int`.
    static func isIntSyntax(_ text: String) -> Bool {
        intDigits(text) != nil
    }

    /// The integer value, or nil if the text is not an integer or overflows `Int`.
    /// Leading zeros are decimal (`017` is 17), as YAML 1.2 says.
    static func int(_ text: String) -> Int? {
        guard let (digits, radix) = intDigits(text) else { return nil }
        // `Int(_:radix:)` accepts the sign and returns nil on overflow.
        return Int(digits, radix: radix)
    }

    /// Splits integer text into the digits `Int(_:radix:)` should read and their radix; nil if it is not an integer.
    private static func intDigits(_ text: String) -> (Substring, Int)? {
        let bytes = text.utf8
        guard let first = bytes.first else { return nil }
        if bytes.count > 2, first == UInt8(ascii: "0") {
            let marker = bytes[bytes.index(after: bytes.startIndex)]
            let digits = bytes.dropFirst(2)
            if marker == UInt8(ascii: "o") {
                let isOctal = digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
                return isOctal ? (Substring(digits), 8) : nil
            }
            if marker == UInt8(ascii: "x") {
                return digits.allSatisfy(isHexDigit) ? (Substring(digits), 16) : nil
            }
        }
        let unsigned = first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        guard !unsigned.isEmpty, unsigned.allSatisfy(isDigit) else { return nil }
        return (Substring(text), 10)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?(\.inf|\.Inf|\.INF)` or `\.nan|\.NaN|\.NAN`.
    static func double(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard matchesFloatSyntax(Array(text.utf8)) else { return nil }
        return Double(text)
    }

    /// The decimal float grammar, checked byte by byte so `Double(_:)` never sees forms YAML does not allow
    /// (hex floats, `inf`, `nan`).
    private static func matchesFloatSyntax(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func skipDigits() -> Int {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        let integerDigits = skipDigits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionDigits = skipDigits()
            // `.5` needs fraction digits; `5.` is allowed.
            if integerDigits == 0 && fractionDigits == 0 { return false }
        } else if integerDigits == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                index += 1
            }
            if skipDigits() == 0 { return false }
        }
        return index == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}
