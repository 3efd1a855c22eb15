import DltafJSON
import Foundation

/// The checks every manifest must pass before anything runs: the schema (`ManifestSchema`), then the rules
/// across sections that the Python dltaf applies (version, naming, depends_on, airflow.dag_id, partial_success,
/// the built-in SQL kinds). Checks that need plugins (hook and check names, a runner's own validate) belong
/// to the run and to `manifest lint`.
public enum ManifestValidator {
    /// How to validate.
    public struct Options: Sendable {
        /// Which unknown keys are errors.
        public var strictness: SchemaStrictness
        /// Whether `pipeline.name` must equal the file name (`manifest lint` without `--allow-filename-mismatch`).
        public var requireFilenameMatch: Bool

        /// Whether a name without `__` separators is an error (`manifest lint`, as the Python dltaf's schema
        /// decides) rather than a warning (`exec`, which runs any name).
        public var enforceNaming: Bool

        /// Creates options.
        public init(strictness: SchemaStrictness, requireFilenameMatch: Bool, enforceNaming: Bool = true) {
            self.strictness = strictness
            self.requireFilenameMatch = requireFilenameMatch
            self.enforceNaming = enforceNaming
        }

        /// What `dltaf exec` uses: strict common sections, the runner owns its source keys, naming is advice.
        public static let run = Options(strictness: .run, requireFilenameMatch: false, enforceNaming: false)
        /// What `dltaf manifest lint` uses by default.
        public static let lint = Options(strictness: .lint, requireFilenameMatch: true)
    }

    /// Accepted `run.write_disposition` values (another value is a warning: a runner may support more).
    public static let writeDispositions = ["replace", "append", "merge"]

    /// The destinations dltaf's own loader writes (docs/destinations.md).
    public static let loadedDestinations = ["sqlite", "postgres"]

    /// Destination names dlt and the Python dltaf know; dltaf accepts them in manifests so that existing
    /// pipelines keep their lint verdicts, although its loader writes only `loadedDestinations`.
    public static let knownDestinations =
        loadedDestinations + [
            "athena", "bigquery", "clickhouse", "databricks", "dremio", "duckdb", "dummy", "filesystem", "lancedb",
            "motherduck", "mssql", "qdrant", "redshift", "snowflake", "sqlalchemy", "synapse", "weaviate",
        ]

    /// Every finding about `manifest`; no error means it may run.
    public static func validate(_ manifest: Manifest, options: Options = .run) -> [ManifestDiagnostic] {
        var findings = SchemaChecker.check(manifest, strictness: options.strictness)
        var rules = Rules(manifest: manifest, options: options)
        rules.checkVersion()
        rules.checkNames()
        rules.checkDependencies()
        rules.checkRun()
        if let kind = manifest.sourceKind, SQLSourceRules.kinds.contains(kind) {
            rules.items += SQLSourceRules.check(manifest)
        }
        // A problem the schema already reported at the same place is not repeated.
        let located = Set(findings.map { $0.path?.description ?? "" })
        findings += rules.items.filter { $0.severity == .warning || !located.contains($0.path?.description ?? "") }
        return findings
    }

    /// Reads a boolean where the schema expects one (see `ScalarValues.boolean`).
    public static func coerceBool(_ value: JSONValue) -> Bool? {
        ScalarValues.boolean(value)
    }

    private struct Rules {
        let manifest: Manifest
        let options: Options
        var items: [ManifestDiagnostic] = []

        mutating func add(
            _ code: String, _ message: String, _ path: ManifestPath,
            severity: ManifestDiagnostic.Severity = .error, onKey: Bool = false
        ) {
            items.append(manifest.diagnostic(code, message, at: path, severity: severity, onKey: onKey))
        }

        mutating func checkVersion() {
            if manifest.value["version"] == nil, manifest.value.objectValue != nil {
                add(
                    "manifest.version_missing",
                    "no \"version\" key; it is read as version: 1 (dltaf manifest doctor --apply adds it)", .root,
                    severity: .warning)
            }
        }

        mutating func checkNames() {
            guard let name = manifest.pipelineName else { return }
            if let problem = PipelineNaming.problem(with: name) {
                add(
                    "manifest.pipeline_name", problem, ["pipeline", "name"],
                    severity: options.enforceNaming ? .error : .warning)
            } else if let gap = PipelineNaming.conventionGap(
                name: name, destination: manifest.string(at: ["pipeline", "destination"]),
                dataset: manifest.string(at: ["pipeline", "dataset"]))
            {
                add("manifest.pipeline_name_convention", gap, ["pipeline", "name"], severity: .warning)
            }
            let fileName = manifest.file.split(separator: "/").last.map(String.init) ?? manifest.file
            let stem = fileName.lastIndex(of: ".").map { String(fileName[..<$0]) } ?? fileName
            if options.requireFilenameMatch, !stem.isEmpty, stem != name {
                add(
                    "manifest.filename_mismatch",
                    "pipeline.name must match the manifest file name: expected \"\(stem)\", got \"\(name)\" "
                        + "(or pass --allow-filename-mismatch)", ["pipeline", "name"])
            }
            if let dagID = manifest.value(at: ["airflow", "dag_id"])?.stringValue,
                !dagID.trimmedBlanks.isEmpty,
                dagID.trimmedBlanks != name
            {
                add(
                    "manifest.dag_id_mismatch",
                    "airflow.dag_id must match pipeline.name: expected \"\(name)\", got \"\(dagID)\"",
                    ["airflow", "dag_id"])
            }
        }

        mutating func checkDependencies() {
            guard let name = manifest.pipelineName, let items = manifest.value["depends_on"]?.arrayValue else { return }
            for (index, item) in items.enumerated() {
                let reference = item.stringValue ?? item["path"]?.stringValue ?? ""
                let target =
                    reference.hasSuffix(".yaml") || reference.hasSuffix(".yml")
                    ? ((reference as NSString).lastPathComponent as NSString).deletingPathExtension : reference
                if target == name {
                    add(
                        "manifest.depends_on_self",
                        "pipeline \"\(name)\" cannot depend on itself",
                        ManifestPath.root.appending("depends_on").appending(index: index))
                }
            }
        }

        mutating func checkRun() {
            if let destination = manifest.value(at: ["pipeline", "destination"])?.stringValue, !destination.isEmpty,
                !ManifestValidator.knownDestinations.contains(destination)
            {
                add(
                    "manifest.destination_unknown",
                    "pipeline.destination \"\(destination)\" is not a destination dltaf or dlt knows"
                        + "\(Suggestions.hint(for: destination, in: ManifestValidator.knownDestinations)); dltaf loads "
                        + ManifestValidator.loadedDestinations.joined(separator: " and ")
                        + ", other destinations need a runner that loads them itself",
                    ["pipeline", "destination"], severity: .warning)
            }
            if let disposition = manifest.value(at: ["run", "write_disposition"])?.stringValue,
                !ManifestValidator.writeDispositions.contains(disposition)
            {
                add(
                    "manifest.write_disposition",
                    "run.write_disposition \"\(disposition)\" is not one of "
                        + "\(ManifestValidator.writeDispositions.joined(separator: ", "))"
                        + "\(Suggestions.hint(for: disposition, in: ManifestValidator.writeDispositions)); "
                        + "only a runner that knows it will accept it",
                    ["run", "write_disposition"], severity: .warning)
            }
            if manifest.value(at: ["run", "partial_success"])?.objectValue != nil {
                let kind = manifest.sourceKind ?? ""
                let source = manifest.value["source"]?.objectValue ?? JSONObject()
                let mode = SQLSourceRules.kinds.contains(kind) ? SQLSourceRules.canonical(source).mode : nil
                let supported = kind == "sql_database" || (kind == "sqldb" && mode == "catalog")
                if !supported {
                    add(
                        "manifest.partial_success_unsupported",
                        "run.partial_success is supported only for source.kind sql_database, or sqldb with "
                            + "mode catalog (got \(kind)\(mode.map { " mode \($0)" } ?? ""))",
                        ["run", "partial_success"], onKey: true)
                }
            }
        }
    }
}
