/// Checks the ISO 8601 / RFC 3339 strings `date` and `timestamp` columns take, so that a destination never
/// receives a value it would reject or reinterpret. Works on the UTF-8 bytes in place (no copy per value).
enum TemporalText {
    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == 10 && isDatePrefix($0) }
    }

    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]`; without a zone the time is UTC.
    static func isTimestamp(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isTimestamp(bytes: $0) }
    }

    private static func isTimestamp(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 16, isDatePrefix(bytes) else { return false }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return false }
        var index = 11
        guard let hour = number(bytes, index, 2), hour < 24, bytes[index + 2] == UInt8(ascii: ":"),
            let minute = number(bytes, index + 3, 2), minute < 60
        else { return false }
        index += 5
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let second = number(bytes, index + 1, 2), second <= 60 else { return false }
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                var digits = 0
                while index + 1 + digits < bytes.count, DecimalText.isDigit(bytes[index + 1 + digits]) { digits += 1 }
                guard digits > 0 else { return false }
                index += 1 + digits
            }
        }
        return isZone(bytes, from: index)
    }

    private static func isZone(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Bool {
        if index == bytes.count { return true }
        if bytes.count == index + 1 { return bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let hours = number(bytes, index + 1, 2), hours < 24
        else { return false }
        if bytes.count == index + 3 { return true }
        let minuteStart = bytes[index + 3] == UInt8(ascii: ":") ? index + 4 : index + 3
        guard bytes.count == minuteStart + 2, let minutes = number(bytes, minuteStart, 2) else { return false }
        return minutes < 60
    }

    /// Whether `bytes` starts with a valid `YYYY-MM-DD`.
    private static func isDatePrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            (1...12).contains(month), day >= 1, year >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31)
        return day <= days
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for offset in start..<(start + count) {
            let byte = bytes[offset]
            guard DecimalText.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
