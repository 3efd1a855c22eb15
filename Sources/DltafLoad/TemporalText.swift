/// Checks the ISO 8601 / RFC 3339 strings `date` and `timestamp` columns take, so that a destination never
/// receives a value it would reject or reinterpret.
enum TemporalText {
    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 10 && dateLength(bytes) == 10
    }

    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH[:MM]]`; without a zone the time is UTC.
    static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard dateLength(bytes) == 10, bytes.count >= 16 else { return false }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]) else { return false }
        var index = 11
        guard let hour = number(bytes, index, 2), hour < 24, bytes[index + 2] == UInt8(ascii: ":"),
            let minute = number(bytes, index + 3, 2), minute < 60
        else { return false }
        index += 5
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let second = number(bytes, index + 1, 2), second <= 60 else { return false }
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                let digits = bytes[(index + 1)...].prefix { DecimalText.isDigit($0) }.count
                guard digits > 0 else { return false }
                index += 1 + digits
            }
        }
        return isZone(bytes, from: index)
    }

    private static func isZone(_ bytes: [UInt8], from index: Int) -> Bool {
        if index == bytes.count { return true }
        if bytes.count == index + 1 { return bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let hours = number(bytes, index + 1, 2), hours < 24
        else { return false }
        let rest = bytes.count - (index + 3)
        if rest == 0 { return true }
        let minuteStart = bytes[index + 3] == UInt8(ascii: ":") ? index + 4 : index + 3
        guard bytes.count == minuteStart + 2, let minutes = number(bytes, minuteStart, 2) else { return false }
        return minutes < 60
    }

    /// 10 when `bytes` starts with a valid `YYYY-MM-DD`, else 0.
    private static func dateLength(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            (1...12).contains(month), day >= 1, year >= 1
        else { return 0 }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1] ? 10 : 0
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard DecimalText.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
