public import DltafJSON
import DltafManifest
import Foundation

/// The canonical `sqldb` layout of a SQL-family manifest (`--print-sqldb-canonical`): `kind: sqldb` with `dialect`
/// and `mode`, table options under `source.catalog`, queries under `source.query`, Oracle options under
/// `source.dialect_options`. Other keys stay where they are.
public enum SQLDBCanonical {
    /// Source kinds of the SQL family.
    public static let sqlKinds: Set<String> = ["sqldb", "sql_database", "oracle_custom_sql", "oracle"]

    static let catalogFields = [
        "schema", "db_schema", "tables", "schemas", "reflection_level", "detect_precision_hints",
        "table_name_transform",
    ]
    static let queryFields = ["queries", "fetch_batch_size"]
    static let dialectFields = ["init_sql", "thick_mode"]
    private static let passThroughFields = ["name", "payload_contract", "time_window"]
    private static let canonicalOrder = [
        "kind", "dialect", "mode", "name", "payload_contract", "time_window", "catalog", "query", "dialect_options",
    ]

    /// Whether `manifest.source.kind` is one of `sqlKinds`.
    public static func isSQLFamily(_ manifest: JSONValue) -> Bool {
        sqlKinds.contains(text(manifest["source"]?["kind"]))
    }

    /// The manifest with its `source` in canonical layout, or nil when it is not a SQL-family manifest.
    public static func canonical(_ manifest: JSONValue) -> JSONValue? {
        guard case .object(var root) = manifest, let source = root["source"]?.objectValue, isSQLFamily(manifest) else {
            return nil
        }
        let normalized = normalize(source)
        let legacy = Set(catalogFields + queryFields + dialectFields + ["catalog", "query", "dialect_options"])
        var result = JSONObject()
        for (key, value) in source where !legacy.contains(key) && key != "__sqldb_warnings__" {
            result[key] = value
        }
        for key in canonicalOrder {
            if let value = normalized[key], !value.isNull { result[key] = value }
        }
        if result["kind"] == .string("oracle") { result["kind"] = "sqldb" }
        root["source"] = .object(result)
        return .object(root)
    }

    /// The canonical manifest as YAML, or nil when it is not a SQL-family manifest.
    public static func yaml(_ manifest: JSONValue) -> String? {
        canonical(manifest).map(YAMLRenderer.render)
    }

    /// `kind`, `dialect`, `mode`, pass-through keys and the three sections, as the Python normalizer builds them.
    private static func normalize(_ source: JSONObject) -> JSONObject {
        var normalized = JSONObject()
        for field in passThroughFields {
            if let value = source[field] { normalized[field] = value }
        }
        let kind = text(source["kind"])
        switch kind {
        case "sql_database":
            normalized["kind"] = "sqldb"
            normalized["dialect"] = "generic"
            normalized["mode"] = "catalog"
        case "oracle_custom_sql":
            normalized["kind"] = "sqldb"
            normalized["dialect"] = "oracle"
            normalized["mode"] = "query"
        case "oracle":
            normalized["kind"] = "oracle"
            normalized["dialect"] = .string(text(source["dialect"], default: "oracle"))
            normalized["mode"] = .string(text(source["mode"], default: "query"))
        default:
            normalized["kind"] = .string(text(source["kind"], default: "sqldb"))
            var mode = text(source["mode"])
            if mode.isEmpty {
                if source["query"] != nil || (queryFields + dialectFields).contains(where: { source[$0] != nil }) {
                    mode = "query"
                } else if source["catalog"] != nil || catalogFields.contains(where: { source[$0] != nil }) {
                    mode = "catalog"
                }
            }
            if !mode.isEmpty { normalized["mode"] = .string(mode) }
            normalized["dialect"] = .string(text(source["dialect"], default: "generic"))
        }
        if var catalog = section(source, "catalog", catalogFields) {
            if let schema = catalog["db_schema"], catalog["schema"] == nil {
                catalog["db_schema"] = nil
                catalog["schema"] = schema
            }
            normalized["catalog"] = .object(catalog)
        }
        if let query = section(source, "query", queryFields) { normalized["query"] = .object(query) }
        if let options = section(source, "dialect_options", dialectFields) {
            normalized["dialect_options"] = .object(options)
        }
        return normalized
    }

    /// The section `name` merged with the legacy top-level `fields` it does not set itself; nil when empty.
    private static func section(_ source: JSONObject, _ name: String, _ fields: [String]) -> JSONObject? {
        var section = source[name]?.objectValue ?? JSONObject()
        for field in fields where section[field] == nil {
            if let value = source[field] { section[field] = value }
        }
        return section.isEmpty ? nil : section
    }

    /// `str(value or default).strip() or default`, for the scalars these keys hold.
    private static func text(_ value: JSONValue?, default fallback: String = "") -> String {
        let raw: String
        switch value {
        case .string(let string)?: raw = string
        case .int(let number)? where number != 0: raw = String(number)
        case .double(let number)? where number != 0: raw = String(number)
        case .bool(true)?: raw = "True"
        default: raw = ""
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? fallback : trimmed
    }
}
