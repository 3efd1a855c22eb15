/// How a finding is treated: fixed by `--apply`, worth a look, or blocking.
public enum DoctorLevel: String, Sendable, Hashable, CaseIterable {
    /// `--apply` can fix it in place.
    case fix = "FIX"
    /// Worth changing by hand; the manifest still works.
    case warn = "WARN"
    /// The manifest is broken in a way the doctor cannot fix.
    case error = "ERROR"
}

/// The stable issue codes, the Python dltaf's plus `YAML11_BOOLEAN` and `FILE_NAME_NOT_PIPELINE_NAME`.
public enum DoctorCode: String, Sendable, Hashable, CaseIterable {
    /// No `version` key (or it is null).
    case versionMissing = "VERSION_MISSING"
    /// `version` is not 1.
    case versionUnsupported = "VERSION_UNSUPPORTED"
    /// No `pipeline` mapping.
    case pipelineMissing = "PIPELINE_MISSING"
    /// `pipeline.name` is absent or empty.
    case pipelineNameMissing = "PIPELINE_NAME_MISSING"
    /// `pipeline.name` differs from the file stem.
    case pipelineNameMismatch = "PIPELINE_NAME_MISMATCH"
    /// `airflow` is present but not a mapping.
    case airflowNotMapping = "AIRFLOW_NOT_MAPPING"
    /// `airflow.dag_id` is absent or empty.
    case airflowDagIDMissing = "AIRFLOW_DAG_ID_MISSING"
    /// `airflow.dag_id` differs from the file stem.
    case airflowDagIDMismatch = "AIRFLOW_DAG_ID_MISMATCH"
    /// `source.kind` is a legacy SQL alias (`sql_database`, `oracle_custom_sql`, `oracle`).
    case sqlKindCanonicalize = "SQL_KIND_CANONICALIZE"
    /// `source.dialect` must be set for the canonical `sqldb` form.
    case sqlKindSetDialect = "SQL_KIND_SET_DIALECT"
    /// `source.mode` must be set for the canonical `sqldb` form.
    case sqlKindSetMode = "SQL_KIND_SET_MODE"
    /// A `sqldb` catalog manifest keeps table options at the top of `source`.
    case sqldbLegacyCatalogLayout = "SQLDB_LEGACY_CATALOG_LAYOUT"
    /// A `sqldb` query manifest keeps query options at the top of `source`.
    case sqldbLegacyQueryLayout = "SQLDB_LEGACY_QUERY_LAYOUT"
    /// `source.bins` is not a mapping.
    case binsNotMapping = "BINS_NOT_MAPPING"
    /// No BIN strategy is chosen.
    case binsStrategyEmpty = "BINS_STRATEGY_EMPTY"
    /// More than one BIN strategy is chosen.
    case binsStrategyMultiple = "BINS_STRATEGY_MULTIPLE"
    /// `source.base_url` is an empty string.
    case pkbBaseURLEmpty = "PKB_BASE_URL_EMPTY"
    /// `source.kafka.topic` is an empty string.
    case pkbKafkaTopicEmpty = "PKB_KAFKA_TOPIC_EMPTY"
    /// A boolean written with a YAML 1.1 word (`yes`, `no`, `on`, `off`, `y`, `n`).
    case yaml11Boolean = "YAML11_BOOLEAN"
    /// The file name is not a valid pipeline name while `pipeline.name` is: rename the file, keep the name
    /// (the Python doctor set the name to the file stem, which then failed lint).
    case fileNameNotPipelineName = "FILE_NAME_NOT_PIPELINE_NAME"

    /// The level every issue with this code has.
    public var level: DoctorLevel {
        switch self {
        case .versionMissing, .pipelineNameMissing, .pipelineNameMismatch, .airflowDagIDMissing,
            .airflowDagIDMismatch, .sqlKindCanonicalize, .sqlKindSetDialect, .sqlKindSetMode, .yaml11Boolean:
            return .fix
        case .versionUnsupported, .pipelineMissing, .airflowNotMapping:
            return .error
        case .sqldbLegacyCatalogLayout, .sqldbLegacyQueryLayout, .binsNotMapping, .binsStrategyEmpty,
            .binsStrategyMultiple, .pkbBaseURLEmpty, .pkbKafkaTopicEmpty, .fileNameNotPipelineName:
            return .warn
        }
    }
}
