/// The shapes of `source`: the built-in kinds (`sqldb` and its legacy aliases, `mongodb`), and the open shape
/// every other kind gets, whose runner validates the rest.
enum SourceSchemas {
    typealias Property = ObjectSchema.Property

    static let source: SchemaNode = .discriminated(
        key: "kind",
        cases: [
            DiscriminatedCase(values: ["sqldb", "oracle"], node: sqldb),
            DiscriminatedCase(values: ["oracle_custom_sql"], node: oracleCustomSQL),
            DiscriminatedCase(values: ["sql_database"], node: sqlDatabase),
            DiscriminatedCase(values: ["mongodb"], node: mongodb),
        ],
        fallback: .object(
            ObjectSchema(
                "source", extra: .allowed,
                description: "A source served by a runner plugin: kind plus the keys its runner reads.",
                common)))

    /// Keys every source may have.
    static let common: [Property] = [
        Property("kind", .string(), required: true, description: "Selects the runner."),
        Property("name", .string(nonEmpty: false)),
        Property("payload_contract", payloadContract),
        Property("time_window", timeWindow),
    ]

    static let timeWindow: SchemaNode = .object(
        ObjectSchema(
            "source.time_window", extra: .forbidden,
            [
                Property("start", .isoDate()),
                Property("end", .isoDate()),
                Property("timezone", .string()),
            ]))

    static let payloadContract: SchemaNode = .object(
        ObjectSchema(
            "source.payload_contract", extra: .allowed,
            [
                Property("mode", .oneOf(["off", "warn", "deny"])),
                Property("schema_path", .string()),
                Property("schema_inline", .any),
                Property("samples", .strings()),
                Property("capture", .map(.any)),
                Property("max_errors", .integer()),
            ]))

    static let schemaTables: SchemaNode = .map(
        .object(
            ObjectSchema("schema tables", extra: .forbiddenWhenSourceStrict, [Property("tables", .strings())])))

    /// Catalog keys, shared by `source.catalog`, the legacy top level of `sqldb` and `sql_database`.
    static let catalogKeys: [Property] = [
        Property("schema", .string(nonEmpty: false)),
        Property("tables", .strings()),
        Property("schemas", schemaTables),
        Property("reflection_level", .string(nonEmpty: false)),
        Property("detect_precision_hints", .boolean()),
        Property("table_name_transform", .map(.any)),
    ]

    static func query(_ name: String, sqlRequired: Bool) -> SchemaNode {
        .object(
            ObjectSchema(
                name, extra: .forbiddenWhenSourceStrict,
                rules: sqlRequired ? [] : [.atLeastOne(["sql", "sql_file"])],
                [
                    Property("name", .string(), required: true),
                    Property("table_name", .string()),
                    Property("sql_file", .string(), required: sqlRequired),
                    Property("sql", .string(nonEmpty: false)),
                    Property("write_disposition", .string(nonEmpty: false)),
                    Property("primary_key", .strings()),
                    Property("params", .map(.any)),
                ].filter { sqlRequired ? $0.key != "sql" : true }))
    }

    static let sqldb: SchemaNode = .object(
        ObjectSchema(
            "source (sqldb)", extra: .forbiddenWhenSourceStrict,
            description: "SQL source: dialect and mode, with catalog (tables) or query (SQL) settings.",
            common + [
                Property(
                    "dialect", .oneOf(["generic", "oracle", "postgres", "mysql", "mssql"], caseInsensitive: true)),
                Property("mode", .oneOf(["catalog", "query"], caseInsensitive: true)),
                Property(
                    "catalog", .object(ObjectSchema("source.catalog", extra: .forbiddenWhenSourceStrict, catalogKeys))),
                Property(
                    "query",
                    .object(
                        ObjectSchema(
                            "source.query", extra: .forbiddenWhenSourceStrict,
                            [
                                Property(
                                    "queries",
                                    .list(query("source.query.queries[]", sqlRequired: false), nonEmpty: true)),
                                Property("fetch_batch_size", .integer()),
                            ]))),
                Property(
                    "dialect_options",
                    .object(
                        ObjectSchema(
                            "source.dialect_options", extra: .forbiddenWhenSourceStrict,
                            [Property("thick_mode", .boolean()), Property("init_sql", .string(nonEmpty: false))]))),
            ] + catalogKeys + [
                Property("queries", .list(query("source.queries[]", sqlRequired: false))),
                Property("fetch_batch_size", .integer()),
                Property("init_sql", .string(nonEmpty: false)),
                Property("thick_mode", .boolean()),
            ]))

    static let oracleCustomSQL: SchemaNode = .object(
        ObjectSchema(
            "source (oracle_custom_sql)", extra: .forbiddenWhenSourceStrict,
            description: "Legacy alias of sqldb with dialect oracle and mode query.",
            common + [
                Property("init_sql", .string(nonEmpty: false)),
                Property("fetch_batch_size", .integer()),
                Property("queries", .list(query("source.queries[]", sqlRequired: true))),
            ]))

    static let sqlDatabase: SchemaNode = .object(
        ObjectSchema(
            "source (sql_database)", extra: .forbiddenWhenSourceStrict,
            description: "Legacy alias of sqldb with dialect generic and mode catalog.",
            common + catalogKeys))

    static let mongodb: SchemaNode = .object(
        ObjectSchema(
            "source (mongodb)", extra: .forbiddenWhenSourceStrict,
            common + [
                Property("database", .string(), required: true),
                Property("collection_names", .strings()),
                Property("max_table_nesting", .integer()),
            ]))
}
