import DltafLoad

/// Checks and rewrites the text forms MariaDB sends (decimals, dates, datetimes) into the loader's, working on
/// the bytes in place. Each returns false when the value is not one of its type.
enum MariaDBValues {
    /// `-?digits[.digits]`, appended as it is.
    static func appendDecimal(_ bytes: UnsafeRawBufferPointer, to batch: inout RowBatch) -> Bool {
        var index = bytes.first == UInt8(ascii: "-") ? 1 : 0
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index > integerStart else { return false }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count else { return false }
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index == bytes.count else { return false }
        }
        batch.appendText(bytes)
        return true
    }

    /// `YYYY-MM-DD`, a real calendar day from year 1.
    static func appendDate(_ bytes: UnsafeRawBufferPointer, to batch: inout RowBatch) -> Bool {
        guard bytes.count == 10, isDay(bytes) else { return false }
        batch.appendText(bytes)
        return true
    }

    /// `YYYY-MM-DD HH:MM:SS[.fraction]` (how the server sends DATETIME and TIMESTAMP), appended as
    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    static func appendTimestamp(_ bytes: UnsafeRawBufferPointer, to batch: inout RowBatch) -> Bool {
        guard bytes.count >= 19, isDay(bytes), bytes[10] == UInt8(ascii: " "),
            let hour = number(bytes, 11, 2), hour < 24, bytes[13] == UInt8(ascii: ":"),
            let minute = number(bytes, 14, 2), minute < 60, bytes[16] == UInt8(ascii: ":"),
            let second = number(bytes, 17, 2), second < 60
        else { return false }
        if bytes.count > 19 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 20,
                bytes[20...].allSatisfy({ isDigit($0) })
            else { return false }
        }
        batch.beginText()
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[0..<10]))
        batch.appendPiece(UInt8(ascii: "T"))
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[11...]))
        batch.appendPiece(UInt8(ascii: "Z"))
        batch.endText()
        return true
    }

    /// Whether the value's date part is MySQL's zero date or has a zero month or day.
    static func isZeroDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 10 else { return false }
        return number(bytes, 0, 4) == 0 || number(bytes, 5, 2) == 0 || number(bytes, 8, 2) == 0
    }

    /// Whether `bytes` starts with `YYYY-MM-DD` naming a real day (year 1 to 9999).
    private static func isDay(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            year >= 1, (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = month == 2 ? (leap ? 29 : 28) : ([4, 6, 9, 11].contains(month) ? 30 : 31)
        return day <= days
    }

    /// The decimal number of `count` digits at `start`; nil unless they all are digits.
    private static func number(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        }
        return value
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
