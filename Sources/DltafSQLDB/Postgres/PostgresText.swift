import DltafLoad

#if canImport(Glibc)
    import Glibc
#endif

/// PostgreSQL's text output (DateStyle ISO, TimeZone UTC, bytea hex) read into `RowBatch` values of the column's
/// loader type, in place (no String per value).
enum PostgresText {
    /// Appends the value `bytes` (PostgreSQL's text output, unescaped) as `type`; false when it does not read as
    /// that type (a date or timestamp out of range, a numeric NaN).
    @inline(__always)
    static func append(_ bytes: UnsafeRawBufferPointer, as type: DataType, into batch: inout RowBatch) -> Bool {
        let count = bytes.count
        switch type {
        case .bigint:
            guard let value = integer(bytes) else { return false }
            batch.append(value)
        case .double:
            guard let value = double(bytes) else { return false }
            batch.append(value)
        case .bool:
            guard count == 1 else { return false }
            batch.append(bytes[0] == UInt8(ascii: "t"))
        case .text, .json:
            batch.appendText(bytes)
        case .decimal:
            guard count > 0, bytes[0] != UInt8(ascii: "N") else { return false }
            batch.appendText(bytes)
        case .date:
            guard isDate(bytes) else { return false }
            batch.appendText(bytes)
        case .timestamp:
            return appendTimestamp(bytes, into: &batch)
        case .binary:
            return appendHex(bytes, into: &batch)
        }
        return true
    }

    /// A double in PostgreSQL's output (`extra_float_digits` 3: every digit; `NaN`, `Infinity`, `-Infinity`).
    @inline(__always)
    static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let source = bytes.baseAddress, !bytes.isEmpty, bytes.count < 64 else { return nil }
        // strtod needs a terminated string: the value is copied to the stack first.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: bytes.count)
            base[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &end)
            guard let end, end - base == bytes.count else { return nil }
            return value
        }
    }

    /// A decimal integer that fits 64 bits.
    @inline(__always)
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        var index = negative ? 1 : 0
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.subtractingReportingOverflow(Int64(digit))
            guard !overflow, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        // Accumulated negatively, so Int64.min reads too.
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    /// `YYYY-MM-DD` (not `infinity`, not BC, a four-digit year).
    @inline(__always)
    private static func isDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
            && bytes[0] &- 0x30 < 10
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff][+00]` → `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`: with TimeZone UTC every zone is
    /// `+00`, and a timestamp without one is read as UTC.
    @inline(__always)
    private static func appendTimestamp(_ bytes: UnsafeRawBufferPointer, into batch: inout RowBatch) -> Bool {
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: " "), bytes[4] == UInt8(ascii: "-"),
            bytes[13] == UInt8(ascii: ":")
        else { return false }
        var end = bytes.count
        if bytes[end - 3] == UInt8(ascii: "+") || bytes[end - 3] == UInt8(ascii: "-") {
            guard bytes[end - 2] == UInt8(ascii: "0"), bytes[end - 1] == UInt8(ascii: "0") else { return false }
            end -= 3
        }
        // Anything after the seconds and fraction (` BC`, an offset with minutes) is not a UTC timestamp.
        for index in 19..<end where bytes[index] != UInt8(ascii: ".") && bytes[index] &- 0x30 >= 10 { return false }
        batch.beginText()
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[0..<10]))
        batch.appendPiece(UInt8(ascii: "T"))
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[11..<end]))
        batch.appendPiece(UInt8(ascii: "Z"))
        batch.endText()
        return true
    }

    /// bytea hex output `\x0aff` as bytes.
    @inline(__always)
    private static func appendHex(_ bytes: UnsafeRawBufferPointer, into batch: inout RowBatch) -> Bool {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { return false }
        batch.beginText()
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else {
                batch.endBytes()
                batch.dropPartialRow()
                return false
            }
            batch.appendPiece(high << 4 | low)
            index += 2
        }
        batch.endBytes()
        return true
    }

    @inline(__always)
    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }
}
