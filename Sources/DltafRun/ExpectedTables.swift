import DltafJSON
import DltafManifest

/// The tables a manifest is expected to load, read from the manifest alone (the plan's `expected_tables`), as
/// the Python dltaf reads them for its SQL and MongoDB sources. Other kinds list none.
enum ExpectedTables {
    static func of(_ manifest: Manifest) -> [String] {
        guard let source = manifest.value["source"]?.objectValue else { return [] }
        let kind = manifest.sourceKind ?? ""
        if SQLSourceRules.kinds.contains(kind) {
            let sql = SQLSourceRules.canonical(source)
            if sql.mode == "query" { return queryTables(sql.queries?.items ?? []) }
            return catalogTables(sql.catalog.mapValues(\.value))
        }
        guard kind == "mongodb" else { return [] }
        return (source["collection_names"]?.arrayValue ?? []).map(text(of:))
    }

    /// A value as text: a string as written, anything else as JSON.
    private static func text(of value: JSONValue) -> String {
        value.stringValue ?? value.jsonText
    }

    /// `queries[].table_name`, else `name`.
    private static func queryTables(_ queries: [JSONValue]) -> [String] {
        queries.compactMap { query in
            (query["table_name"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? query["name"]?.stringValue
        }
    }

    /// `schemas: {name: {tables}}` as `schema__table`, else `tables` without `table_name_transform.drop_prefix`.
    private static func catalogTables(_ catalog: [String: JSONValue]) -> [String] {
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
