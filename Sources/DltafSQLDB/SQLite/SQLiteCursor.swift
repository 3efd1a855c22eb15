import CDltafClients
import DltafJSON
import DltafLoad
import DltafManifest
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Rows of a SQLite statement. SQLite values are typed per value, not per column, so each is converted to its
/// column's loader type where that loses nothing (an integer into a text column, `'42'` into a bigint one) and
/// refused otherwise, naming the column.
final class SQLiteCursor: SourceCursor {
    let columns: [SourceColumn]
    private var statement: SQLiteReadStatement?
    private let types: [DataType]

    init(statement: SQLiteReadStatement, columns: [SourceColumn]) {
        self.statement = statement
        self.columns = columns
        types = columns.map { $0.type ?? .text }
    }

    func next(into batch: inout RowBatch, maxRows: Int) throws(SQLSourceError) -> Bool {
        guard let statement else { return false }
        var rows = 0
        while rows < maxRows {
            guard try statement.step("reading rows") else {
                close()
                return false
            }
            for column in types.indices {
                let index = Int32(column)
                guard Self.append(statement, index, as: types[column], into: &batch) else {
                    batch.dropPartialRow()
                    throw SQLSourceError(
                        .data,
                        "column \(columns[column].name) (\(columns[column].sourceType)): the value "
                            + "\(Self.describe(statement, index)) cannot be loaded as \(types[column])")
                }
            }
            rows += 1
        }
        return true
    }

    func close() { statement = nil }

    // MARK: Values

    @inline(__always)
    private static func append(
        _ statement: SQLiteReadStatement, _ column: Int32, as type: DataType, into batch: inout RowBatch
    ) -> Bool {
        let storage = statement.type(column)
        if storage == DLTAF_LITE_NULL {
            batch.appendNull()
            return true
        }
        switch type {
        case .bigint:
            switch storage {
            case DLTAF_LITE_INTEGER: batch.append(statement.int(column))
            case DLTAF_LITE_FLOAT:
                let value = statement.double(column)
                guard value.rounded() == value, let exact = Int64(exactly: value) else { return false }
                batch.append(exact)
            case DLTAF_LITE_TEXT:
                guard let value = PostgresText.integer(statement.bytes(column)) else { return false }
                batch.append(value)
            default: return false
            }
        case .double:
            switch storage {
            case DLTAF_LITE_INTEGER, DLTAF_LITE_FLOAT: batch.append(statement.double(column))
            case DLTAF_LITE_TEXT:
                guard let value = Double(String(decoding: statement.bytes(column), as: UTF8.self)) else { return false }
                batch.append(value)
            default: return false
            }
        case .bool:
            guard let value = boolean(statement, column, storage) else { return false }
            batch.append(value)
        case .decimal(_, let scale):
            guard let text = decimalText(statement, column, storage, scale: scale) else { return false }
            batch.appendText(text)
        case .text:
            switch storage {
            case DLTAF_LITE_INTEGER: batch.appendText(String(statement.int(column)))
            case DLTAF_LITE_FLOAT: batch.appendText(String(statement.double(column)))
            case DLTAF_LITE_TEXT: batch.appendText(statement.bytes(column))
            default: return false
            }
        case .date:
            let bytes = statement.bytes(column)
            guard storage == DLTAF_LITE_TEXT, bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else {
                return false
            }
            batch.appendText(bytes)
        case .timestamp:
            return timestamp(statement, column, storage, into: &batch)
        case .json:
            guard storage == DLTAF_LITE_TEXT else {
                // A number is JSON too.
                guard storage == DLTAF_LITE_INTEGER || storage == DLTAF_LITE_FLOAT else { return false }
                batch.appendText(String(decoding: statement.bytes(column), as: UTF8.self))
                return true
            }
            let bytes = statement.bytes(column)
            guard (try? JSONParser.parse(bytes.assumingMemoryBound(to: UInt8.self))) != nil else { return false }
            batch.appendText(bytes)
        case .binary:
            guard storage == DLTAF_LITE_BLOB || storage == DLTAF_LITE_TEXT else { return false }
            batch.appendBytes(statement.bytes(column))
        }
        return true
    }

    private static func boolean(_ statement: SQLiteReadStatement, _ column: Int32, _ storage: Int) -> Bool? {
        switch storage {
        case DLTAF_LITE_INTEGER:
            let value = statement.int(column)
            return value == 0 || value == 1 ? value == 1 : nil
        case DLTAF_LITE_TEXT:
            switch String(decoding: statement.bytes(column), as: UTF8.self).lowercased() {
            case "1", "true", "t": return true
            case "0", "false", "f": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// An integer, a text of digits, or a REAL written with the column's scale (SQLite stored the REAL, so
    /// the digits it has are all there are).
    private static func decimalText(_ statement: SQLiteReadStatement, _ column: Int32, _ storage: Int, scale: Int)
        -> String?
    {
        switch storage {
        case DLTAF_LITE_INTEGER:
            let whole = String(statement.int(column))
            return scale == 0 ? whole : whole + "." + String(repeating: "0", count: scale)
        case DLTAF_LITE_FLOAT:
            let value = statement.double(column)
            guard value.isFinite else { return nil }
            return fixed(value, scale: scale)
        case DLTAF_LITE_TEXT:
            let text = String(decoding: statement.bytes(column), as: UTF8.self)
            return isDecimal(text) ? text : nil
        default: return nil
        }
    }

    /// `value` with `scale` digits after the point, when it is small enough to scale exactly in 53 bits.
    private static func fixed(_ value: Double, scale: Int) -> String? {
        guard value.isFinite, scale <= 15 else { return nil }
        var factor = 1.0
        for _ in 0..<scale { factor *= 10 }
        let scaled = (value * factor).rounded()
        guard abs(scaled) < 9.0e15, let units = Int64(exactly: scaled) else { return nil }
        let digits = String(units.magnitude)
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        let point = padded.index(padded.endIndex, offsetBy: -scale)
        let sign = units < 0 ? "-" : ""
        return scale == 0 ? sign + padded : sign + padded[..<point] + "." + padded[point...]
    }

    private static func isDecimal(_ text: String) -> Bool {
        var digits = 0
        var points = 0
        for (offset, character) in text.enumerated() {
            if character == "-" || character == "+" {
                if offset != 0 { return false }
            } else if character == "." {
                points += 1
            } else if character.isASCII, character.isNumber {
                digits += 1
            } else {
                return false
            }
        }
        return digits > 0 && points <= 1
    }

    /// A text `YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±HH:MM]` (zoneless is UTC), or an integer Unix time.
    private static func timestamp(
        _ statement: SQLiteReadStatement, _ column: Int32, _ storage: Int, into batch: inout RowBatch
    ) -> Bool {
        if storage == DLTAF_LITE_INTEGER {
            guard let text = UnixTime.rfc3339(seconds: statement.int(column)) else { return false }
            batch.appendText(text)
            return true
        }
        let bytes = statement.bytes(column)
        guard storage == DLTAF_LITE_TEXT, bytes.count >= 16, bytes[4] == 0x2D, bytes[7] == 0x2D,
            bytes[10] == 0x20 || bytes[10] == UInt8(ascii: "T"), bytes[13] == 0x3A
        else { return false }
        let last = bytes[bytes.count - 1]
        let zoned =
            last == UInt8(ascii: "Z")
            || (bytes.count >= 22 && (bytes[bytes.count - 6] == 0x2B || bytes[bytes.count - 6] == 0x2D))
        batch.beginText()
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[0..<10]))
        batch.appendPiece(UInt8(ascii: "T"))
        batch.appendPiece(UnsafeRawBufferPointer(rebasing: bytes[11...]))
        if !zoned { batch.appendPiece(UInt8(ascii: "Z")) }
        batch.endText()
        return true
    }

    private static func describe(_ statement: SQLiteReadStatement, _ column: Int32) -> String {
        switch statement.type(column) {
        case DLTAF_LITE_INTEGER: return String(statement.int(column))
        case DLTAF_LITE_FLOAT: return String(statement.double(column))
        case DLTAF_LITE_BLOB: return "(a blob of \(statement.bytes(column).count) bytes)"
        default: return "\"" + String(decoding: statement.bytes(column), as: UTF8.self).prefix(40) + "\""
        }
    }
}

/// Unix seconds as RFC 3339 UTC (`2026-01-02T03:04:05Z`), through `UTCDate`'s `gmtime_r`; nil outside years
/// 1–9999.
enum UnixTime {
    static func rfc3339(seconds: Int64) -> String? {
        let date = UTCDate(Date(timeIntervalSince1970: Double(seconds)))
        guard (1...9999).contains(date.year) else { return nil }
        // UTCDate's own form carries milliseconds; a Unix time has none.
        return String(date.rfc3339.prefix(19)) + "Z"
    }
}
