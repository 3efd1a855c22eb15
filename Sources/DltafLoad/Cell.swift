/// A value ready for a destination: what a JSON value becomes once it fits its column.
///
/// `decimal`, `date`, `timestamp` and `json` columns hold `.text` (validated, every digit kept); `binary` holds
/// `.bytes`.
enum Cell: Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case bytes([UInt8])
}

/// A column as the loader tracks it: normalised name, type and nullability.
struct ColumnSchema: Equatable {
    var name: String
    var type: DataType
    var nullable: Bool = true
}
