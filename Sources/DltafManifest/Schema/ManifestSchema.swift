/// The manifest v1 contract, as the Python dltaf 0.2.16 defines it, with dltaf's additions
/// (`run.plugin_settings`, `run.hooks.config`, `run.online_checks.config`, the unit parallelism knobs).
public enum ManifestSchema {
    typealias Property = ObjectSchema.Property

    /// The whole manifest.
    public static let root: SchemaNode = .object(
        ObjectSchema(
            "the manifest",
            description: "A dltaf pipeline manifest, version 1 (one YAML mapping per pipeline).",
            [
                Property(
                    "version", .scalar(ScalarSchema(kind: .exactInteger(1))),
                    description: "Manifest format version; must be 1."),
                Property("pipeline", pipeline, required: true),
                Property("source", SourceSchemas.source, required: true),
                Property("run", run),
                Property("connections", connections),
                Property("airflow", airflow),
                Property(
                    "depends_on", .list(dependency),
                    description: "Pipelines that must run first: names, manifest paths, {path: ...} or {group: ...}."),
                Property("task_group", .string(), description: "Groups pipelines for Airflow and depends_on: {group}."),
            ]))

    /// The source kinds whose shape and rules the schema knows (`sqldb`, its legacy aliases, `mongodb`): no runner
    /// plugin is needed to check them.
    public static let builtinSourceKinds: Set<String> = {
        guard case .discriminated(_, let cases, _) = SourceSchemas.source else { return [] }
        return Set(cases.flatMap(\.values))
    }()

    /// Keys removed by the loader before validation: consumer metadata.
    public static let metadataKeys = ["catalog"]

    static let pipeline: SchemaNode = .object(
        ObjectSchema(
            "pipeline",
            [
                Property(
                    "name", .string(), required: true,
                    description: "dlt__<source>__to__<destination>__<dataset>; equals the file name."),
                Property("destination", .string(), required: true),
                Property("dataset", .string(), required: true),
                Property("progress", .string(nonEmpty: false)),
                Property("dev_mode", .boolean()),
            ]))

    static func selection(_ section: String) -> SchemaNode {
        .object(
            ObjectSchema(
                "run.\(section)", rules: [.exclusive("only", with: ["enable", "disable"])],
                [
                    Property("enable", .strings(acceptsSingle: true), description: "Names to add to the defaults."),
                    Property(
                        "disable", .strings(acceptsSingle: true), description: "Names to remove from the defaults."),
                    Property("only", .strings(acceptsSingle: true), description: "Exactly these names."),
                    Property("plugins", .strings(acceptsSingle: true), description: "Plugin specs to load."),
                    Property(
                        "config", .map(.object(ObjectSchema("settings", extra: .allowed, []))),
                        description: "Settings per name (dltaf)."),
                ]))
    }

    static let run: SchemaNode = .object(
        ObjectSchema(
            "run",
            [
                Property(
                    "write_disposition", .string(),
                    description: "replace (default), append or merge; --write-disposition overrides it."),
                Property("replace_scope", .string(nonEmpty: false)),
                Property(
                    "schema_contract", .oneOf(["evolve", "freeze", "discard_row", "discard_value"]),
                    description:
                        "dltaf: what the loader does with a new column or a value that does not fit "
                        + "(docs/destinations.md); evolve by default."),
                Property("hooks", selection("hooks")),
                Property(
                    "runners",
                    .object(ObjectSchema("run.runners", [Property("plugins", .strings(acceptsSingle: true))]))),
                Property("online_checks", selection("online_checks")),
                Property("replace_policy", replacePolicy),
                Property("partial_success", partialSuccess),
                Property("observability", observability),
                Property("checkpoint", checkpoint),
                Property("checkpoints", checkpoint, description: "Alias of checkpoint."),
                Property("max_parallel_units", .integer(minimum: 1)),
                Property("max_parallel_partitions", .integer(minimum: 1)),
                Property("parallel_partition_key", .string()),
                Property(
                    "plugin_settings", .map(.object(ObjectSchema("plugin settings", extra: .allowed, []))),
                    description: "Timeouts and environment grants per plugin spec (dltaf)."),
            ]))

    static let replacePolicy: SchemaNode = .object(
        ObjectSchema(
            "run.replace_policy",
            [
                Property("enabled", .boolean()),
                Property("enforce", .oneOf(["prod_only", "all"])),
                Property("prod_dataset_regex", .string()),
                Property("allow_datasets", .strings()),
                Property("allow_pipelines", .strings()),
                Property("bypass_env_var", .string()),
                Property("mode", .oneOf(["deny", "warn"])),
            ]))

    static let partialSuccess: SchemaNode = .object(
        ObjectSchema(
            "run.partial_success",
            rules: [
                .when(key: "mode", equals: "critical_tables", requiresOneOf: ["critical_tables"]),
                .when(key: "mode", equals: "threshold", requiresOneOf: ["min_success_tables", "min_success_ratio"]),
            ],
            [
                Property("mode", .oneOf(["any_success", "critical_tables", "threshold"]), required: true),
                Property("tolerate_errors", .oneOf(["any_per_table", "source_only", "missing_table_only"])),
                Property("critical_tables", .strings(acceptsSingle: true, nonEmpty: true)),
                Property("min_success_tables", .integer(minimum: 1)),
                Property("min_success_ratio", .number(in: 0...1)),
            ]))

    static let observability: SchemaNode = .object(
        ObjectSchema(
            "run.observability",
            [
                Property("verbosity", .oneOf(["compact", "verbose"])),
                Property("dlt_progress", .oneOf(["default", "summary_only"])),
            ]))

    static let checkpoint: SchemaNode = .object(
        ObjectSchema(
            "run.checkpoint",
            [
                Property("enabled", .boolean()),
                Property("load_uuid", .string(nonEmpty: false)),
                Property("batch_key", .string(nonEmpty: false)),
                Property("table_name", .string(nonEmpty: false)),
                Property("table", .string(nonEmpty: false)),
                Property("resume_statuses", .strings()),
            ]))

    static let vaultReference: SchemaNode = .anyOf(
        [
            .string(description: "mount:path or vault://mount/path"),
            .object(
                ObjectSchema(
                    "vault reference", rules: [.eitherOr(single: "ref", group: ["mount_point", "path"])],
                    [
                        Property("ref", .string(), description: "mount:path or vault://mount/path"),
                        Property("mount_point", .string()),
                        Property("mount", .string(), description: "Alias of mount_point."),
                        Property("path", .string()),
                        Property("kv_version", .anyOf([.integer(), .string()], expected: "1 or 2")),
                    ])),
        ], expected: "a reference string (mount:path) or a mapping with ref or mount_point and path")

    static func connection(_ slot: String) -> SchemaNode {
        .object(
            ObjectSchema(
                "connections.\(slot)",
                [
                    Property(
                        "kind", .string(), required: true,
                        description: "postgres, oracle, sql, mongodb, keycloak, clickhouse or kafka."),
                    Property("vault", vaultReference),
                    Property("airflow_variable", .string()),
                    Property("airflow_variable_prefix", .string()),
                    Property("airflow_variables", .map(.string())),
                    Property("env_prefix", .string()),
                    Property("overrides", .map(.any)),
                ]))
    }

    static let connections: SchemaNode = .object(
        ObjectSchema(
            "connections",
            [
                Property("source", connection("source")),
                Property("destination", connection("destination")),
                Property("kafka", connection("kafka")),
            ]))

    static let airflow: SchemaNode = .object(
        ObjectSchema(
            "airflow",
            [
                Property("enabled", .boolean()),
                Property("dag_id", .string(), required: true, description: "Equals pipeline.name."),
                Property("schedule", .string(), required: true),
                Property("start_date", .string(), required: true),
                Property("catchup", .boolean()),
                Property("max_active_runs", .integer()),
                Property("tags", .strings()),
                Property("retries", .integer()),
                Property("retry_delay_minutes", .integer()),
                Property("execution_timeout_hours", .integer()),
                Property("default_args", .map(.any)),
                Property("task", .map(.any)),
                Property("params", .map(.any)),
                Property("runtime_overrides", .map(.any)),
            ]))

    static let dependency: SchemaNode = .anyOf(
        [
            .string(description: "A pipeline name or a manifest path (*.yaml)."),
            .object(
                ObjectSchema(
                    "depends_on item", rules: [.exactlyOne(["path", "group"])],
                    [Property("path", .string()), Property("group", .string())])),
        ], expected: "a pipeline name, a manifest path, {path: ...} or {group: ...}")

    /// The key paths whose value the schema reads as a boolean (`*` stands for any key or list item), for
    /// tools that rewrite YAML 1.1 words such as `yes`/`no` (the doctor).
    public static var booleanPaths: [ManifestPath] {
        var found: [ManifestPath] = []
        collectBooleans(root, at: .root, into: &found)
        return found
    }

    private static func collectBooleans(_ node: SchemaNode, at path: ManifestPath, into found: inout [ManifestPath]) {
        switch node {
        case .scalar(let scalar):
            if case .boolean = scalar.kind { found.append(path) }
        case .object(let object):
            for property in object.properties {
                collectBooleans(property.node, at: path.appending(property.key), into: &found)
            }
        case .list(let item, _, _): collectBooleans(item, at: path.appending("*"), into: &found)
        case .map(let value): collectBooleans(value, at: path.appending("*"), into: &found)
        case .anyOf(let options, _): for option in options { collectBooleans(option, at: path, into: &found) }
        case .discriminated(_, let cases, let fallback):
            for entry in cases { collectBooleans(entry.node, at: path, into: &found) }
            collectBooleans(fallback, at: path, into: &found)
        case .any: break
        }
    }
}
