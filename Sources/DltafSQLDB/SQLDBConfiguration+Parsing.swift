import DltafJSON
import DltafProtocol
import Foundation

extension SQLDBConfiguration {
    /// Reads the `sqldb` settings of a manifest (its `source` and `run`); `directory` is the manifest's folder,
    /// which relative `sql_file` paths start from.
    ///
    /// - Throws: a configuration error naming the key: no tables or queries, a query without SQL, an unreadable
    ///   `sql_file`, a bad `incremental` block or `partial_success` policy.
    public init(manifest: JSONValue, directory: String) throws(SQLDBConfigurationError) {
        let source = manifest["source"]?.objectValue ?? JSONObject()
        let run = manifest["run"]?.objectValue ?? JSONObject()
        kind = source["kind"]?.stringValue ?? "sqldb"
        let defaultDialect = kind == "oracle" || kind == "oracle_custom_sql" ? "oracle" : "generic"
        dialect = (source["dialect"]?.stringValue ?? defaultDialect).lowercased()
        let catalog = source["catalog"]?.objectValue
        let queryBlock = source["query"]?.objectValue
        let explicitMode = source["mode"]?.stringValue?.lowercased()
        switch (kind, explicitMode) {
        case ("sql_database", _): mode = .catalog
        case ("oracle_custom_sql", _): mode = .query
        case (_, "query"?): mode = .query
        case (_, "catalog"?): mode = .catalog
        default:
            let hasQueries = queryBlock != nil || source["queries"] != nil
            mode = hasQueries || (kind == "oracle" && catalog == nil) ? .query : .catalog
        }
        writeDisposition = run["write_disposition"]?.stringValue.flatMap(WriteDisposition.init(rawValue:)) ?? .append
        warnings = []
        batchRows = Self.defaultBatchRows
        if let size = (queryBlock?["fetch_batch_size"] ?? source["fetch_batch_size"])?.intValue {
            guard size > 0 else {
                throw SQLDBConfigurationError("source.query.fetch_batch_size", "must be a positive number of rows")
            }
            batchRows = size
        }
        incremental = try source["incremental"].map { value throws(SQLDBConfigurationError) in
            try Self.incremental(value, path: "source.incremental")
        }
        partialSuccess = try run["partial_success"].map { value throws(SQLDBConfigurationError) in
            try PartialSuccessPolicy(value)
        }
        schemas = []
        queries = []
        switch mode {
        case .catalog:
            schemas = try Self.schemas(catalog ?? source, path: catalog == nil ? "source" : "source.catalog")
            if let transform = (catalog ?? source)["table_name_transform"], transform != .null {
                warnings.append("source.table_name_transform is not applied by dltaf: tables keep their names")
            }
        case .query:
            let list = queryBlock?["queries"] ?? source["queries"]
            let path = queryBlock?["queries"] != nil ? "source.query.queries" : "source.queries"
            queries = try Self.queries(list, path: path, directory: directory)
            if partialSuccess != nil {
                throw SQLDBConfigurationError("run.partial_success", "applies to catalog mode only, not to queries")
            }
        }
        let initSQL = (source["dialect_options"]?["init_sql"] ?? source["init_sql"])?.stringValue ?? ""
        if !initSQL.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            warnings.append("source.dialect_options.init_sql is not run by dltaf's sqldb runner")
        }
    }

    private static func schemas(_ block: JSONObject, path: String) throws(SQLDBConfigurationError)
        -> [SchemaSelection]
    {
        let schema = (block["schema"] ?? block["db_schema"])?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        var result: [SchemaSelection] = []
        let tables = try strings(block["tables"], path: path + ".tables")
        if !tables.isEmpty || block["schemas"] == nil { result.append(SchemaSelection(schema: schema, tables: tables)) }
        if let map = block["schemas"]?.objectValue {
            for (name, value) in map {
                result.append(
                    SchemaSelection(
                        schema: name, tables: try strings(value["tables"], path: "\(path).schemas.\(name).tables")))
            }
        }
        return result
    }

    private static func queries(_ value: JSONValue?, path: String, directory: String) throws(SQLDBConfigurationError)
        -> [Query]
    {
        guard let list = value?.arrayValue, !list.isEmpty else {
            throw SQLDBConfigurationError(path, "query mode needs at least one query {name, sql | sql_file}")
        }
        var seen: Set<String> = []
        var result: [Query] = []
        for (index, entry) in list.enumerated() {
            let at = "\(path)[\(index)]"
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                throw SQLDBConfigurationError(at + ".name", "every query needs a name")
            }
            guard seen.insert(name).inserted else {
                throw SQLDBConfigurationError(at + ".name", "query \(name) is listed twice")
            }
            let (sql, origin) = try text(of: entry, at: at, directory: directory)
            let disposition = try entry["write_disposition"]?.stringValue.map { text throws(SQLDBConfigurationError) in
                guard let parsed = WriteDisposition(rawValue: text) else {
                    throw SQLDBConfigurationError(at + ".write_disposition", "must be append, replace or merge")
                }
                return parsed
            }
            result.append(
                Query(
                    name: name, table: entry["table_name"]?.stringValue ?? name, sql: sql, origin: origin,
                    parameters: entry["params"]?.objectValue.map { Dictionary(uniqueKeysWithValues: $0.map { $0 }) }
                        ?? [:],
                    writeDisposition: disposition,
                    primaryKey: try strings(entry["primary_key"], path: at + ".primary_key"),
                    incremental: try entry["incremental"].map { value throws(SQLDBConfigurationError) in
                        try incremental(value, path: at + ".incremental")
                    }))
        }
        return result
    }

    private static func text(of entry: JSONValue, at: String, directory: String) throws(SQLDBConfigurationError)
        -> (String, String)
    {
        if let sql = entry["sql"]?.stringValue, !sql.isEmpty { return (sql, "inline") }
        guard let file = entry["sql_file"]?.stringValue, !file.isEmpty else {
            throw SQLDBConfigurationError(at, "a query needs sql or sql_file")
        }
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8)
        else {
            throw SQLDBConfigurationError(at + ".sql_file", "cannot read \(path)")
        }
        guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SQLDBConfigurationError(at + ".sql_file", "\(path) is empty")
        }
        return (sql, file)
    }

    private static func incremental(_ value: JSONValue, path: String) throws(SQLDBConfigurationError) -> Incremental {
        guard let block = value.objectValue else {
            throw SQLDBConfigurationError(path, "must be a mapping {cursor_column, initial_value?, end_value?}")
        }
        guard let column = (block["cursor_column"] ?? block["cursor_path"])?.stringValue, !column.isEmpty else {
            throw SQLDBConfigurationError(path + ".cursor_column", "names the cursor column")
        }
        let chunk = block["chunk_rows"]?.intValue ?? defaultChunkRows
        guard chunk > 0 else { throw SQLDBConfigurationError(path + ".chunk_rows", "must be a positive number") }
        return Incremental(
            column: column, initialValue: block["initial_value"].flatMap { $0 == .null ? nil : $0 },
            endValue: block["end_value"].flatMap { $0 == .null ? nil : $0 }, chunkRows: chunk)
    }

    private static func strings(_ value: JSONValue?, path: String) throws(SQLDBConfigurationError) -> [String] {
        guard let value, value != .null else { return [] }
        guard let list = value.arrayValue else { throw SQLDBConfigurationError(path, "must be a list of names") }
        var names: [String] = []
        for item in list {
            guard let name = item.stringValue, !name.isEmpty else {
                throw SQLDBConfigurationError(path, "must be a list of names")
            }
            names.append(name)
        }
        return names
    }
}
