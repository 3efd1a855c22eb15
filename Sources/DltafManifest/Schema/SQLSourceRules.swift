import DltafJSON
import Foundation

/// What the built-in SQL kinds (`sqldb`, `oracle`, `oracle_custom_sql`, `sql_database`) need beyond their shape:
/// the checks the Python dltaf's sqldb runner makes in its `validate`, so that lint gives the same verdict
/// without a SQL runner present; and the one canonical reading of a SQL source (also used for the plan's tables).
public enum SQLSourceRules {
    /// The SQL kinds: `sqldb` and its legacy aliases.
    public static let kinds: Set<String> = ["sqldb", "oracle", "oracle_custom_sql", "sql_database"]

    static let catalogTopLevelKeys = [
        "schema", "db_schema", "tables", "schemas", "reflection_level", "detect_precision_hints",
        "table_name_transform",
    ]
    static let queryTopLevelKeys = ["queries", "fetch_batch_size"]
    static let dialectTopLevelKeys = ["init_sql", "thick_mode"]

    /// The canonical reading of a SQL source: kind aliases resolved, mode inferred, legacy keys folded in.
    public struct Canonical: Sendable {
        /// `generic`, `oracle`, ... (lowercased).
        public var dialect: String
        /// `catalog` or `query` (lowercased), nil when it cannot be inferred.
        public var mode: String?
        /// Each catalog key with the path where it was written (`source.catalog.tables` or legacy `source.tables`).
        public var catalog: [String: (value: JSONValue, path: ManifestPath)] = [:]
        /// The queries and where they were written (`source.query.queries` or legacy `source.queries`).
        public var queries: (items: [JSONValue], path: ManifestPath)?
        /// Whether any catalog key was written.
        public var hasCatalog = false
    }

    /// `source` read as the Python dltaf's sqldb normalizer reads it.
    public static func canonical(_ source: JSONObject) -> Canonical {
        let kind = source["kind"]?.stringValue?.trimmedBlanks ?? ""
        let written = { (key: String) -> String in
            source[key]?.stringValue?.trimmedBlanks.lowercased() ?? ""
        }
        var canonical: Canonical
        switch kind {
        case "sql_database": canonical = Canonical(dialect: "generic", mode: "catalog")
        case "oracle_custom_sql": canonical = Canonical(dialect: "oracle", mode: "query")
        case "oracle":
            canonical = Canonical(
                dialect: written("dialect").isEmpty ? "oracle" : written("dialect"),
                mode: written("mode").isEmpty ? "query" : written("mode"))
        default:
            var mode = written("mode")
            if mode.isEmpty {
                if source["query"] != nil
                    || (queryTopLevelKeys + dialectTopLevelKeys).contains(where: { source[$0] != nil })
                {
                    mode = "query"
                } else if source["catalog"] != nil || catalogTopLevelKeys.contains(where: { source[$0] != nil }) {
                    mode = "catalog"
                }
            }
            canonical = Canonical(
                dialect: written("dialect").isEmpty ? "generic" : written("dialect"), mode: mode.isEmpty ? nil : mode)
        }
        if let catalog = source["catalog"]?.objectValue {
            canonical.hasCatalog = true
            for (key, value) in catalog { canonical.catalog[key] = (value, ["source", "catalog", key]) }
        }
        for key in catalogTopLevelKeys where source[key] != nil && canonical.catalog[key] == nil {
            if let value = source[key] {
                canonical.hasCatalog = true
                canonical.catalog[key == "db_schema" ? "schema" : key] = (value, ["source", key])
            }
        }
        if let items = source["query"]?["queries"]?.arrayValue {
            canonical.queries = (items, ["source", "query", "queries"])
        } else if let items = source["queries"]?.arrayValue {
            canonical.queries = (items, ["source", "queries"])
        }
        return canonical
    }

    /// The findings about a SQL source of `manifest`.
    static func check(_ manifest: Manifest) -> [ManifestDiagnostic] {
        guard let source = manifest.value["source"]?.objectValue else { return [] }
        let sql = canonical(source)
        var findings: [ManifestDiagnostic] = []
        func add(_ message: String, _ path: ManifestPath) {
            findings.append(manifest.diagnostic("source.sqldb", message, at: path))
        }
        switch sql.mode {
        case nil:
            add(
                "the SQL source has no mode and none can be inferred: set mode: catalog (with source.catalog) "
                    + "or mode: query (with source.query)", ["source"])
        case "catalog":
            guard sql.hasCatalog else {
                add("sqldb mode=catalog requires source.catalog (schema and tables, or schemas)", ["source"])
                break
            }
            let schemas = sql.catalog["schemas"]?.value.objectValue ?? JSONObject()
            let schema = sql.catalog["schema"]?.value.stringValue ?? ""
            let tables = sql.catalog["tables"]?.value.arrayValue ?? []
            if schemas.isEmpty, schema.isEmpty || tables.isEmpty {
                add(
                    "sqldb mode=catalog requires either source.catalog.schemas or both source.catalog.schema "
                        + "and source.catalog.tables",
                    sql.catalog["tables"]?.path ?? sql.catalog["schema"]?.path ?? ["source", "catalog"])
            }
        case "query":
            guard let queries = sql.queries, !queries.items.isEmpty else {
                add("sqldb mode=query requires source.query.queries (a non-empty list)", ["source"])
                break
            }
            if sql.dialect != "oracle" {
                add(
                    "sqldb mode=query currently supports only dialect=oracle, got \"\(sql.dialect)\"",
                    source["dialect"] != nil ? ["source", "dialect"] : ["source"])
                break
            }
            let disposition = manifest.string(at: ["run", "write_disposition"]) ?? ""
            for (index, query) in queries.items.enumerated() {
                findings += checkQuery(
                    query, at: queries.path.appending(index: index), runDisposition: disposition, in: manifest)
            }
        default:
            break  // The schema reports a mode outside catalog/query.
        }
        return findings
    }

    private static func checkQuery(
        _ query: JSONValue, at path: ManifestPath, runDisposition: String, in manifest: Manifest
    ) -> [ManifestDiagnostic] {
        guard let entries = query.objectValue else { return [] }
        let name = entries["name"]?.stringValue ?? "?"
        var findings: [ManifestDiagnostic] = []
        func add(_ message: String, _ at: ManifestPath) {
            findings.append(manifest.diagnostic("source.sqldb_query", "query \"\(name)\": \(message)", at: at))
        }
        var text: String?
        if let inline = entries["sql"]?.stringValue, !inline.isEmpty {
            if inline.contains("{") || inline.contains("}") {
                add("inline SQL contains { or }, which are refused for safety", path.appending("sql"))
            }
            text = inline
        } else if let file = entries["sql_file"]?.stringValue, !file.isEmpty {
            let resolved =
                file.hasPrefix("/") ? file : (manifest.directory as NSString).appendingPathComponent(file)
            let standardized = (resolved as NSString).standardizingPath
            if let contents = FileManager.default.contents(atPath: standardized) {
                let sql = String(decoding: contents, as: UTF8.self)
                if sql.contains("{") || sql.contains("}") {
                    add(
                        "SQL file \(standardized) contains { or }, which are refused for safety",
                        path.appending("sql_file"))
                }
                text = sql
            } else {
                add("sql_file does not exist or cannot be read: \(standardized)", path.appending("sql_file"))
            }
        } else {
            return findings  // The schema reports a query without sql or sql_file.
        }
        let disposition = (entries["write_disposition"]?.stringValue ?? runDisposition).lowercased()
        let primaryKey = entries["primary_key"]?.arrayValue ?? []
        if disposition == "merge", primaryKey.isEmpty {
            add("primary_key is required for write_disposition=merge", path)
        }
        if let text {
            let params = Set(entries["params"]?.objectValue?.keys ?? [])
            let missing = bindParameters(in: text).subtracting(params).sorted()
            if !missing.isEmpty {
                add(
                    "missing params for SQL bind placeholders: \(missing.joined(separator: ", "))",
                    entries["params"] != nil ? path.appending("params") : path)
            }
        }
        return findings
    }

    /// The names of `:name` bind placeholders in `sql`.
    static func bindParameters(in sql: String) -> Set<String> {
        var names: Set<String> = []
        let bytes = Array(sql.utf8)
        var index = 0
        func isStart(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 }
        func isBody(_ byte: UInt8) -> Bool { isStart(byte) || (48...57).contains(byte) }
        while index < bytes.count {
            if bytes[index] == 58, index + 1 < bytes.count, isStart(bytes[index + 1]) {
                var end = index + 2
                while end < bytes.count, isBody(bytes[end]) { end += 1 }
                names.insert(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
                index = end
            } else {
                index += 1
            }
        }
        return names
    }
}
