import DltafLoad

/// PostgreSQL types and the loader types they are read as.
///
/// | PostgreSQL | loader type |
/// |---|---|
/// | smallint, integer, bigint, oid | bigint |
/// | real, double precision | double |
/// | numeric(p,s) | decimal(p,s), every digit kept |
/// | numeric (no precision) | text: it has no fixed scale, so a decimal column could round it |
/// | boolean | bool |
/// | text, varchar, char, name, uuid, citext, inet, cidr, macaddr, time, timetz, interval, money, xml, enums | text |
/// | date | date |
/// | timestamp with time zone | timestamp (UTC) |
/// | timestamp without time zone | timestamp, read as UTC |
/// | json, jsonb | json |
/// | bytea | binary |
/// | arrays | json (selected through `to_json`) |
/// | anything else (geometry, ranges, composites, tsvector, ...) | none: the unit fails, naming the column |
enum PostgresTypes {
    /// How a column is read.
    struct Mapping: Equatable {
        var type: DataType?
        /// Whether the column is selected as `to_json(column)` (arrays).
        var asJSON = false
    }

    /// The mapping of a type by oid, with the pg_type facts of a type the table does not know (`category` is
    /// `typcategory`, `kind` is `typtype`).
    static func mapping(oid: UInt32, modifier: Int32, category: String? = nil, kind: String? = nil) -> Mapping {
        switch oid {
        case 20, 21, 23, 26: return Mapping(type: .bigint)
        case 700, 701: return Mapping(type: .double)
        case 1700:
            guard modifier >= 4 else { return Mapping(type: .text) }
            let precision = Int((modifier - 4) >> 16) & 0xFFFF
            let scale = Int(modifier - 4) & 0xFFFF
            return Mapping(type: DataType(name: "decimal", precision: precision, scale: scale) ?? .text)
        case 16: return Mapping(type: .bool)
        case 25, 1043, 1042, 18, 19, 2950, 869, 650, 829, 774, 1083, 1266, 1186, 790, 142: return Mapping(type: .text)
        case 1082: return Mapping(type: .date)
        case 1114, 1184: return Mapping(type: .timestamp)
        case 114, 3802: return Mapping(type: .json)
        case 17: return Mapping(type: .binary)
        default:
            if category == "A" { return Mapping(type: .json, asJSON: true) }
            // Enums, and string types of extensions (citext) whose oids vary by database.
            if kind == "e" || category == "S" { return Mapping(type: .text) }
            return Mapping(type: nil)
        }
    }

    /// Whether the oid is one `mapping` knows without asking pg_type.
    static func isKnown(_ oid: UInt32) -> Bool { mapping(oid: oid, modifier: -1).type != nil }
}
