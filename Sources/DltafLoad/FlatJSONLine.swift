import DltafJSON

/// A fast path for NDJSON lines that are flat objects of scalars (`{"id": 1, "name": "a"}`), the common case:
/// keys are compared in place with the previous line's (no new key strings when they repeat) and the value
/// array is reused. Anything else (nesting, `\u` escapes, control characters, repeated keys, malformed text)
/// returns false and the line goes through `JSONParser`, which then decides, so both paths give one answer.
struct FlatJSONLine {
    /// The keys of the last line scanned.
    private(set) var keys: [String] = []
    /// Its values, in key order.
    private(set) var values: [JSONValue] = []
    /// Whether the last scan changed `keys`.
    private(set) var keysChanged = false

    /// Scans `line`; false when it needs the full parser (then `keys` is emptied, so nothing half-read stays).
    mutating func scan(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        if scanObject(line) { return true }
        keys.removeAll()
        values.removeAll()
        keysChanged = true
        return false
    }

    private mutating func scanObject(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var cursor = Cursor(bytes: line)
        values.removeAll(keepingCapacity: true)
        keysChanged = false
        cursor.skipSpace()
        guard cursor.take(UInt8(ascii: "{")) else { return false }
        cursor.skipSpace()
        var count = 0
        if !cursor.take(UInt8(ascii: "}")) {
            while true {
                cursor.skipSpace()
                guard let key = cursor.rawString() else { return false }
                if count < keys.count, keys[count].utf8.elementsEqual(key) {
                } else {
                    guard let text = Self.text(key) else { return false }
                    if count < keys.count { keys[count] = text } else { keys.append(text) }
                    keysChanged = true
                }
                count += 1
                cursor.skipSpace()
                guard cursor.take(UInt8(ascii: ":")) else { return false }
                cursor.skipSpace()
                guard let value = cursor.scalar() else { return false }
                values.append(value)
                cursor.skipSpace()
                if cursor.take(UInt8(ascii: ",")) { continue }
                guard cursor.take(UInt8(ascii: "}")) else { return false }
                break
            }
        }
        cursor.skipSpace()
        guard cursor.atEnd else { return false }
        if count != keys.count {
            keys.removeLast(keys.count - count)
            keysChanged = true
        }
        // The parser's rule for a repeated key (last wins, first position) is left to the parser.
        if keysChanged, Set(keys).count != keys.count { return false }
        return true
    }

    /// Bytes of a string without escapes as a String, when they are valid UTF-8.
    fileprivate static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        UTF8Check.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }
}

/// A read position in one line.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func skipSpace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D
                || bytes[index] == 0x0A
        {
            index += 1
        }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The bytes of a string without any escape or control character; nil otherwise.
    mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// A string, number, boolean or null; nil for anything else.
    mutating func scalar() -> JSONValue? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let raw = rawString(), let text = FlatJSONLine.text(raw) else { return nil }
            return .string(text)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return nil
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return nil }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += count
        return value
    }

    /// JSON's number grammar; integers that fit are `.int`, as `JSONParser` makes them.
    private mutating func number() -> JSONValue? {
        let start = index
        let negative = take(UInt8(ascii: "-"))
        let digitsStart = index
        var magnitude: UInt64 = 0
        while index < bytes.count, DecimalText.isDigit(bytes[index]) {
            let (times10, first) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, second) = times10.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            guard !first, !second else { return nil }
            magnitude = sum
            index += 1
        }
        let digits = index - digitsStart
        guard digits > 0, bytes[digitsStart] != UInt8(ascii: "0") || digits == 1 else { return nil }
        var isInteger = true
        if take(UInt8(ascii: ".")) {
            isInteger = false
            guard skipDigits() else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard skipDigits() else { return nil }
        }
        if isInteger {
            if negative, magnitude <= UInt64(Int.max) + 1 {
                return .int(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
            }
            if !negative, magnitude <= UInt64(Int.max) { return .int(Int(magnitude)) }
            return nil
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return Double(text).map { .double($0) }
    }

    private mutating func skipDigits() -> Bool {
        let start = index
        while index < bytes.count, DecimalText.isDigit(bytes[index]) { index += 1 }
        return index > start
    }
}
