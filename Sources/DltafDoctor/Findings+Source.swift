import DltafManifest
import DltafYAML

/// Legacy SQL kinds and the canonical `sqldb` dialect and mode they stand for.
private let legacySQLKinds: [String: (dialect: String, mode: String, qualifier: String)] = [
    "sql_database": ("generic", "catalog", "deprecated legacy alias"),
    "oracle_custom_sql": ("oracle", "query", "deprecated legacy alias"),
    "oracle": ("oracle", "query", "non-canonical preset alias"),
]

/// Top-level `source` keys of the pre-canonical catalog layout (as the Python doctor lists them).
private let legacyCatalogKeys: Set<String> = [
    "schema", "schemas", "tables", "table_adapter_callback", "reflection_level", "backend", "defer_table_reflect",
]

/// Top-level `source` keys of the pre-canonical query layout.
private let legacyQueryKeys: Set<String> = ["queries", "fetch_batch_size", "init_sql", "thick_mode"]

extension Findings {
    /// SQL canonicalisation, legacy layouts, BIN strategies and PKB settings.
    mutating func checkSource() {
        guard let sourceEntry = top("source"), let source = sourceEntry.value.mapping else { return }
        let node = sourceEntry.value
        let kind = PythonText.stripped(node["kind"])
        if let target = legacySQLKinds[kind] {
            checkLegacyKind(kind, target: target, source: sourceEntry)
        }
        if kind == "sqldb" {
            checkLegacyLayout(source, mode: PythonText.stripped(node["mode"]))
        }
        if kind == "uploader_b057" || kind == "pkb_conclusion" {
            checkBins(in: sourceEntry)
        }
        if kind == "pkb_conclusion" {
            checkPKB(node)
        }
    }

    private mutating func checkLegacyKind(
        _ kind: String, target: (dialect: String, mode: String, qualifier: String), source: YAMLMappingEntry
    ) {
        let node = source.value
        add(
            .sqlKindCanonicalize,
            "`source.kind=\(kind)` is a \(target.qualifier). Preferred canonical form is `source.kind: sqldb` with "
                + "`dialect: \(target.dialect)` and `mode: \(target.mode)`.",
            at: Self.mark(of: "kind", in: node, fallback: source.keyMark), ["source", "kind"],
            fix: DoctorFix(path: ["source", "kind"], value: .string("sqldb")))
        if PythonText.stripped(node["dialect"]) != target.dialect {
            add(
                .sqlKindSetDialect, "Add/update `source.dialect: \(target.dialect)` for canonical `sqldb` manifest.",
                at: Self.mark(of: "dialect", in: node, fallback: source.keyMark), ["source", "dialect"],
                fix: DoctorFix(
                    path: ["source", "dialect"], value: .string(target.dialect), placement: .after(["kind"])))
        }
        if PythonText.stripped(node["mode"]) != target.mode {
            add(
                .sqlKindSetMode, "Add/update `source.mode: \(target.mode)` for canonical `sqldb` manifest.",
                at: Self.mark(of: "mode", in: node, fallback: source.keyMark), ["source", "mode"],
                fix: DoctorFix(
                    path: ["source", "mode"], value: .string(target.mode), placement: .after(["dialect", "kind"])))
        }
    }

    private mutating func checkLegacyLayout(_ source: [YAMLMappingEntry], mode: String) {
        if mode == "catalog", let first = source.first(where: { legacyCatalogKeys.contains($0.key) }) {
            add(
                .sqldbLegacyCatalogLayout,
                "Canonical `sqldb` manifests should place table/schema extraction options under `source.catalog`. "
                    + "Legacy top-level SQL keys are still supported, but only as a compatibility layout.",
                at: first.keyMark, ["source", first.key])
        }
        if mode == "query", let first = source.first(where: { legacyQueryKeys.contains($0.key) }) {
            add(
                .sqldbLegacyQueryLayout,
                "Canonical `sqldb` manifests should place query extraction options under `source.query` and "
                    + "Oracle-specific tweaks under `source.dialect_options`. Legacy top-level SQL keys are still "
                    + "supported, but only as a compatibility layout.",
                at: first.keyMark, ["source", first.key])
        }
    }

    private mutating func checkBins(in source: YAMLMappingEntry) {
        let entry = source.value.entry(forKey: "bins")
        let path: ManifestPath = ["source", "bins"]
        let strategies = "values / from_file / from_env / from_clickhouse"
        // `source.get("bins") or {}`: a falsy value counts as an empty mapping.
        guard let entry, !PythonText.text(entry.value).isEmpty else {
            add(
                .binsStrategyEmpty, "No BIN source is chosen. Set one of the strategies: \(strategies).",
                at: entry?.keyMark ?? source.keyMark, path)
            return
        }
        guard entry.value.isMapping else {
            add(.binsNotMapping, "`source.bins` must be a mapping (YAML object).", at: entry.value.mark, path)
            return
        }
        let count = Self.binStrategyCount(entry.value)
        if count == 0 {
            add(
                .binsStrategyEmpty, "No BIN source is chosen. Set one of the strategies: \(strategies).",
                at: entry.keyMark, path)
        } else if count > 1 {
            add(
                .binsStrategyMultiple, "Several BIN strategies are set at once. Keep only one: \(strategies).",
                at: entry.keyMark, path)
        }
    }

    /// How many of `values`, `from_file`, `from_env`, `from_clickhouse` are set.
    static func binStrategyCount(_ bins: YAMLNode) -> Int {
        var count = 0
        // `str(item).strip()`: only a blank string is empty (`None` prints as "None").
        if let values = bins["values"]?.sequence,
            values.contains(where: { $0.scalarValue.map(Self.isBlankString) != true })
        {
            count += 1
        }
        if !PythonText.stripped(bins["from_file"]).isEmpty { count += 1 }
        if !PythonText.stripped(bins["from_env"]).isEmpty { count += 1 }
        if let clickhouse = bins["from_clickhouse"]?.mapping, !clickhouse.isEmpty { count += 1 }
        return count
    }

    private static func isBlankString(_ value: YAMLScalarValue) -> Bool {
        guard case .string(let text) = value else { return false }
        return text.allSatisfy(\.isWhitespace)
    }

    private mutating func checkPKB(_ source: YAMLNode) {
        if let baseURL = source.entry(forKey: "base_url"), PythonText.stripped(baseURL.value).isEmpty {
            add(
                .pkbBaseURLEmpty,
                "`source.base_url` is set to an empty string. It overrides the default and breaks the HTTP URL. "
                    + "Remove the key or set a valid base_url (or an ENV placeholder).",
                at: baseURL.value.mark, ["source", "base_url"])
        }
        if let kafka = source["kafka"], kafka.isMapping, let topic = kafka.entry(forKey: "topic"),
            PythonText.stripped(topic.value).isEmpty
        {
            add(
                .pkbKafkaTopicEmpty,
                "`source.kafka.topic` is set to an empty string. It overrides the default and breaks waiting for "
                    + "Kafka. Remove the key or set a valid topic.",
                at: topic.value.mark, ["source", "kafka", "topic"])
        }
    }
}
