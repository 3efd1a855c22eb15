import CDltafClients
import DltafLoad

/// How MariaDB and MySQL types map to loader types, the same from a result's metadata (queries) and from
/// `information_schema.COLUMNS` (reflection):
///
/// | MariaDB / MySQL | loader type | value |
/// |---|---|---|
/// | `TINYINT(1)`, `BOOL`, `BOOLEAN` | `bool` | non-zero is true, as in SQL |
/// | `TINYINT`, `SMALLINT`, `MEDIUMINT`, `INT`, `BIGINT` (signed or not, but for below), `YEAR` | `bigint` | |
/// | `BIGINT UNSIGNED` | `decimal(20,0)` | digits, up to 18446744073709551615 |
/// | `FLOAT`, `DOUBLE` | `double` | a FLOAT as its shortest decimal form (`0.1`, not 0.100000001) |
/// | `DECIMAL(p,s)` | `decimal(p,s)` | every digit, as the server sends it (`-12.340000000`) |
/// | `CHAR`, `VARCHAR`, `*TEXT`, `ENUM`, `SET`, `TIME`, `UUID`, `INET4`, `INET6` | `text` | UTF-8 (utf8mb4 session) |
/// | `JSON` (MySQL's type; MariaDB's `LONGTEXT` with a `json_valid` check, told by the extended metadata of 10.5 and later or by `information_schema.CHECK_CONSTRAINTS`) | `json` | JSON text |
/// | `BINARY`, `VARBINARY`, `*BLOB`, `BIT(n)` | `binary` | the bytes (a BIT big-endian) |
/// | `DATE` | `date` | `YYYY-MM-DD` |
/// | `DATETIME(n)`, `TIMESTAMP(n)` | `timestamp` | RFC 3339 in UTC with the column's fraction digits: the session's time zone is UTC, so a TIMESTAMP arrives as UTC; a DATETIME has no zone and is read as UTC |
/// | `GEOMETRY`, `POINT`, ... and anything else | nil | unmappable: the runner reports the column |
///
/// Zero dates (`0000-00-00`, or a zero month or day, which MariaDB stores when `NO_ZERO_DATE` is off) and any
/// other value that is not a real day are a `data` error naming the column rather than NULL: a NULL would be
/// indistinguishable from a real NULL downstream, and Connector/J refuses them by default too. A query can turn
/// them into NULL itself (`NULLIF(col, '0000-00-00')`).
enum MariaDBTypes {
    /// MySQL's `binary` character set: BLOB and VARBINARY rather than TEXT and VARCHAR.
    static let binaryCharset: UInt32 = 63

    /// The column a result's metadata describes.
    static func column(_ info: dltaf_my_column) -> SourceColumn {
        let name = MariaDBText.string(info.name, info.name_length)
        let (sourceType, type) = resultType(info)
        return SourceColumn(name: name, sourceType: sourceType, type: type, nullable: info.flags & 1 == 0)
    }

    /// The source type's name and its loader type, from result metadata.
    private static func resultType(_ info: dltaf_my_column) -> (String, DataType?) {
        let unsigned = info.flags & 32 != 0
        let suffix = unsigned ? " UNSIGNED" : ""
        let binary = info.charset == binaryCharset
        let format = MariaDBText.string(info.format, info.format_length)
        let fraction = info.decimals > 0 && info.decimals <= 6 ? "(\(info.decimals))" : ""
        switch info.type {
        case 1: return info.length == 1 ? ("TINYINT(1)" + suffix, .bool) : ("TINYINT" + suffix, .bigint)
        case 2: return ("SMALLINT" + suffix, .bigint)
        case 3: return ("INT" + suffix, .bigint)
        case 9: return ("MEDIUMINT" + suffix, .bigint)
        case 13: return ("YEAR", .bigint)
        case 8: return unsigned ? ("BIGINT UNSIGNED", .decimal(precision: 20, scale: 0)) : ("BIGINT", .bigint)
        case 4: return ("FLOAT", .double)
        case 5: return ("DOUBLE", .double)
        case 0, 246:
            // The display width counts the digits, the point and (when signed) the sign.
            let scale = Int(info.decimals)
            let precision = Int(info.length) - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1)
            return (
                "DECIMAL(\(precision),\(scale))" + suffix, DataType(name: "decimal", precision: precision, scale: scale)
            )
        case 10, 14: return ("DATE", .date)
        case 12, 18: return ("DATETIME" + fraction, .timestamp)
        case 7, 17: return ("TIMESTAMP" + fraction, .timestamp)
        case 11, 19: return ("TIME" + fraction, .text)
        case 16: return ("BIT", .binary)
        case 245: return ("JSON", .json)
        case 6: return ("NULL", .text)
        case 247: return ("ENUM", .text)
        case 248: return ("SET", .text)
        case 15, 253, 254:
            if info.flags & 256 != 0 { return ("ENUM", .text) }
            if info.flags & 2048 != 0 { return ("SET", .text) }
            let fixed = info.type == 254
            let named = MariaDBText.string(info.data_type, info.data_type_length).uppercased()
            if !named.isEmpty { return (named, binary ? .binary : .text) }
            return binary ? (fixed ? "BINARY" : "VARBINARY", .binary) : (fixed ? "CHAR" : "VARCHAR", .text)
        case 249, 250, 251, 252:
            if format == "json" { return ("JSON", .json) }
            return binary ? ("BLOB", .binary) : ("TEXT", .text)
        default:
            let named = MariaDBText.string(info.data_type, info.data_type_length).uppercased()
            return (named.isEmpty ? (info.type == 255 ? "GEOMETRY" : "type \(info.type)") : named, nil)
        }
    }

    /// The loader type of a column described by `information_schema.COLUMNS`: `dataType` is `DATA_TYPE`
    /// (`tinyint`), `columnType` is `COLUMN_TYPE` (`tinyint(1) unsigned`), `json` whether the column has a
    /// `json_valid` check.
    static func catalogType(dataType: String, columnType: String, precision: Int?, scale: Int?, json: Bool)
        -> DataType?
    {
        let full = columnType.lowercased()
        switch dataType.lowercased() {
        case "tinyint": return full.hasPrefix("tinyint(1)") ? .bool : .bigint
        case "bool", "boolean": return .bool
        case "smallint", "mediumint", "int", "integer", "year": return .bigint
        case "bigint": return full.contains("unsigned") ? .decimal(precision: 20, scale: 0) : .bigint
        case "float", "double", "real", "double precision": return .double
        case "decimal", "numeric", "fixed":
            return DataType(name: "decimal", precision: precision ?? 10, scale: scale ?? 0)
        case "json": return .json
        case "char", "varchar", "tinytext", "text", "mediumtext", "longtext": return json ? .json : .text
        case "enum", "set", "time", "uuid", "inet4", "inet6": return .text
        case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit": return .binary
        case "date": return .date
        case "datetime", "timestamp": return .timestamp
        default: return nil
        }
    }
}
