import DltafJSON
import DltafManifest

/// The tables a manifest is expected to load, read from the manifest alone (the plan's `expected_tables`), as
/// the Python dltaf reads them for its SQL and MongoDB sources. Other kinds list none.
enum ExpectedTables {
    static func of(_ manifest: Manifest) -> [String] {
        guard let source = manifest.value["source"]?.objectValue else { return [] }
        switch manifest.sourceKind ?? "" {
        case "sqldb", "oracle":
            let isQuery =
                source["mode"]?.stringValue == "query"
                || (source["mode"] == nil
                    && (source["query"] != nil || source["queries"] != nil
                        || (manifest.sourceKind == "oracle" && source["catalog"] == nil)))
            if isQuery { return queryTables(source["query"]?["queries"] ?? source["queries"]) }
            return catalogTables(source["catalog"]?.objectValue ?? source)
        case "sql_database": return catalogTables(source)
        case "oracle_custom_sql": return queryTables(source["queries"])
        case "mongodb": return (source["collection_names"]?.arrayValue ?? []).map(text(of:))
        default: return []
        }
    }

    /// A value as text: a string as written, anything else as JSON.
    private static func text(of value: JSONValue) -> String {
        value.stringValue ?? value.jsonText
    }

    /// `queries[].table_name`, else `name`.
    private static func queryTables(_ queries: JSONValue?) -> [String] {
        (queries?.arrayValue ?? []).compactMap { query in
            (query["table_name"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? query["name"]?.stringValue
        }
    }

    /// `schemas: {name: {tables}}` as `schema__table`, else `tables` without `table_name_transform.drop_prefix`.
    private static func catalogTables(_ catalog: JSONObject) -> [String] {
        if let schemas = catalog["schemas"]?.objectValue, !schemas.isEmpty {
            return schemas.flatMap { schema, body in
                (body["tables"]?.arrayValue ?? []).map { "\(schema)__\(text(of: $0))" }
            }
        }
        let dropPrefix = catalog["table_name_transform"]?["drop_prefix"]?.stringValue ?? ""
        return (catalog["tables"]?.arrayValue ?? []).map { table in
            let name = text(of: table)
            return !dropPrefix.isEmpty && name.hasPrefix(dropPrefix) ? String(name.dropFirst(dropPrefix.count)) : name
        }
    }
}
