import DltafLoad

/// SQLite declared types and the loader types they are read as. SQLite types are free-form names; the rules
/// follow SQLite's own affinity rules (datatype3.html §3.1), with the names people use for the other types
/// checked first:
///
/// | declared type | loader type |
/// |---|---|
/// | contains `BOOL` | bool |
/// | contains `INT` | bigint |
/// | `DECIMAL(p,s)`, `NUMERIC(p,s)` | decimal(p,s) |
/// | contains `REAL`, `FLOA`, `DOUB` | double |
/// | `DATE` | date |
/// | contains `DATETIME`, `TIMESTAMP` | timestamp (a zoneless text or a Unix time is UTC) |
/// | contains `JSON` | json |
/// | contains `BLOB`, `BINARY` | binary |
/// | anything else (`TEXT`, `VARCHAR`, `UUID`, no type at all, `NUMERIC` without precision) | text |
enum SQLiteTypes {
    static func type(declared: String) -> DataType {
        let name = declared.uppercased()
        if name.contains("BOOL") { return .bool }
        if name.contains("INT") { return .bigint }
        if name.hasPrefix("DECIMAL") || name.hasPrefix("NUMERIC"), let decimal = decimal(name) { return decimal }
        if name.contains("REAL") || name.contains("FLOA") || name.contains("DOUB") { return .double }
        if name.contains("DATETIME") || name.contains("TIMESTAMP") { return .timestamp }
        if name.hasPrefix("DATE") { return .date }
        if name.contains("JSON") { return .json }
        if name.contains("BLOB") || name.contains("BINARY") { return .binary }
        return .text
    }

    /// `DECIMAL(12,2)` → decimal(12,2); nil without a precision.
    private static func decimal(_ name: String) -> DataType? {
        guard let open = name.firstIndex(of: "("), let close = name.firstIndex(of: ")"), open < close else {
            return nil
        }
        let parts = name[name.index(after: open)..<close].split(separator: ",").map {
            Int($0.filter { $0 != " " && $0 != "\t" })
        }
        guard let precision = parts.first ?? nil else { return nil }
        let scale = parts.count > 1 ? parts[1] : 0
        guard let scale else { return nil }
        return DataType(name: "decimal", precision: precision, scale: scale)
    }
}
