/// Cells in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes for backslash,
/// tab, newline and carriage return. A NUL character cannot be sent at all (PostgreSQL text cannot hold one),
/// so it is refused rather than cut.
enum PostgresCopyText {
    /// A cell held a NUL character.
    struct NULCharacter: Error {}

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends one row (cells then the load id literal, tab-separated, newline-terminated).
    @inline(__always)
    static func appendRow(_ cells: [Cell], loadID: [UInt8], into buffer: inout [UInt8]) throws(NULCharacterAt) {
        for index in cells.indices {
            do {
                try append(cells[index], into: &buffer)
            } catch {
                throw NULCharacterAt(column: index)
            }
            buffer.append(0x09)
        }
        buffer.append(contentsOf: loadID)
        buffer.append(0x0A)
    }

    /// The column whose cell held a NUL character.
    struct NULCharacterAt: Error {
        var column: Int
    }

    @inline(__always)
    static func append(_ cell: Cell, into buffer: inout [UInt8]) throws(NULCharacter) {
        switch cell {
        case .null: buffer.append(contentsOf: [0x5C, 0x4E])
        case .int(let value): appendDecimal(value, into: &buffer)
        case .double(let value): buffer.append(contentsOf: String(value).utf8)
        case .bool(let value): buffer.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .text(let value): try appendEscaped(value, into: &buffer)
        case .bytes(let value): value.withUnsafeBytes { appendHex($0, into: &buffer) }
        }
    }

    /// Text with COPY's escapes; whole runs without special bytes are copied at once.
    @inline(__always)
    static func appendEscaped(_ text: String, into buffer: inout [UInt8]) throws(NULCharacter) {
        var text = text
        let clean = text.withUTF8 { appendIfClean(UnsafeRawBufferPointer($0), into: &buffer) }
        guard !clean else { return }
        let escaped: Bool = text.withUTF8 { bytes in
            do {
                try appendEscapedBytes(UnsafeRawBufferPointer(bytes), into: &buffer)
                return true
            } catch {
                return false
            }
        }
        if !escaped { throw NULCharacter() }
    }

    /// UTF-8 bytes with COPY's escapes.
    @inline(__always)
    static func appendEscaped(bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8]) throws(NULCharacter) {
        if appendIfClean(bytes, into: &buffer) { return }
        try appendEscapedBytes(bytes, into: &buffer)
    }

    /// Appends `bytes` when none needs an escape; false (nothing appended) otherwise.
    @inline(__always)
    private static func appendIfClean(_ bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8]) -> Bool {
        for byte in bytes where byte <= 0x0D || byte == 0x5C {
            if byte == 0x00 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x5C { return false }
        }
        buffer.append(contentsOf: bytes)
        return true
    }

    private static func appendEscapedBytes(_ bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8])
        throws(NULCharacter)
    {
        for byte in bytes {
            switch byte {
            case 0x00: throw NULCharacter()
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x09: buffer.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: buffer.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: buffer.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }

    /// `bytea` hex input (`\\x…`, its backslash escaped for COPY).
    @inline(__always)
    static func appendHex(_ bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "x")])
        for byte in bytes {
            buffer.append(hex[Int(byte >> 4)])
            buffer.append(hex[Int(byte & 0x0F)])
        }
    }

    /// Decimal digits without going through String.
    @inline(__always)
    static func appendDecimal(_ value: Int64, into buffer: inout [UInt8]) {
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[count] = UInt8(magnitude % 10) + 0x30
                magnitude /= 10
                count += 1
            }
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { raw in
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }
}
