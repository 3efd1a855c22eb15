/// The column types of PROTOCOL.md §8.2, independent of any destination.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// 64-bit signed integer.
    case bigint
    /// IEEE double.
    case double
    /// Exact decimal with `precision` digits, `scale` of them after the point; every digit is kept.
    case decimal(precision: Int, scale: Int)
    /// UTF-8 text.
    case text
    /// Boolean.
    case bool
    /// Calendar date (`YYYY-MM-DD`).
    case date
    /// Timestamp with time zone (RFC 3339).
    case timestamp
    /// Any JSON value.
    case json
    /// Bytes (base64 on the wire).
    case binary

    /// The precision and scale of a `decimal` declared without them (dlt's default).
    public static let defaultDecimal = DataType.decimal(precision: 38, scale: 9)

    /// The type named `name` (`bigint`, `double`, `decimal`, `text`, `bool`, `date`, `timestamp`, `json`,
    /// `binary`); `precision` and `scale` apply to `decimal` only. Nil for an unknown name or a bad precision.
    public init?(name: String, precision: Int? = nil, scale: Int? = nil) {
        switch name {
        case "bigint": self = .bigint
        case "double": self = .double
        case "decimal":
            let digits = precision ?? 38
            let fraction = scale ?? (precision == nil ? 9 : 0)
            guard (1...1000).contains(digits), (0...digits).contains(fraction) else { return nil }
            self = .decimal(precision: digits, scale: fraction)
        case "text": self = .text
        case "bool": self = .bool
        case "date": self = .date
        case "timestamp": self = .timestamp
        case "json": self = .json
        case "binary": self = .binary
        default: return nil
        }
    }

    /// The protocol name, also the suffix of a variant column (`price__v_text`).
    public var name: String {
        switch self {
        case .bigint: return "bigint"
        case .double: return "double"
        case .decimal: return "decimal"
        case .text: return "text"
        case .bool: return "bool"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .json: return "json"
        case .binary: return "binary"
        }
    }

    public var description: String {
        if case .decimal(let precision, let scale) = self { return "decimal(\(precision),\(scale))" }
        return name
    }
}
