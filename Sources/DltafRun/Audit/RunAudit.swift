import DltafJSON
public import DltafLoad
import DltafManifest
import DltafProtocol
import Foundation

/// The run audit: one `_pipeline_runs` row (and a `_pipeline_run_units` row per table loaded) for every
/// `dltaf exec`, whatever its outcome, written where the run's rows went (the destination), or to the local
/// store `.dltaf/runs.sqlite` beside the manifest for runs that loaded nothing through dltaf.
public enum RunAudit {
    /// The local store's file name in `.dltaf/`.
    public static let localFileName = "runs.sqlite"

    /// The local store beside `manifestPath`.
    public static func localStore(besideManifest manifestPath: String) -> DestinationConfiguration {
        let folder = (ManifestLoader.absolutePath(manifestPath) as NSString).deletingLastPathComponent + "/.dltaf"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return .sqlite(SQLiteConfiguration(path: folder + "/" + localFileName))
    }

    /// The audit row of `result` (every text redacted), and one unit per table: the runner's `table_stats` when
    /// it reports them per table (failed tables included), else the tables the loader committed.
    static func rows(of result: RunResult, manifest: Manifest?, mode: RunRequest.Mode) -> (AuditRecord, [AuditUnit]) {
        let redactor = result.redactor
        let document = result.json
        let flag = { (on: Bool) in on ? "1" : "0" }
        let metrics = document["load_metrics"]
        var values: [String: String] = [
            "run_id": result.runID, "status": result.status.rawValue,
            "started_at": RunResult.timestamp(result.startedAt),
            "validate_only": flag(mode == .validateOnly), "explain_config": flag(result.explainConfig),
            "dry_run": flag(mode == .dryRun), "dry_run_online": flag(mode == .dryRunOnline),
            "plan": flag(mode == .plan),
            "result_type": "RunResult", "result_repr": String(redactor.redact(text: result.message).prefix(2000)),
        ]
        values["pipeline_name"] = result.pipelineName
        values["manifest_path"] = result.manifestPath
        values["source_kind"] = result.sourceKind
        if let manifest {
            values["destination"] = LoadTarget.name(of: manifest)
            values["dataset"] = LoadTarget.dataset(of: manifest)
            values["write_disposition"] = manifest.writeDisposition
        }
        if let finished = result.finishedAt {
            values["finished_at"] = RunResult.timestamp(finished)
            values["duration_seconds"] = String(format: "%.3f", finished.timeIntervalSince(result.startedAt))
        }
        values["env_sources_json"] = document["env"]?["sources"]?.jsonText
        values["plan_json"] = document["plan"]?.jsonText
        values["load_metrics_json"] = metrics?.jsonText
        for key in ["packages_count", "jobs_count", "failed_jobs_count", "tables_count", "rows_count"] {
            values[key] = metrics?[key]?.intValue.map(String.init)
        }
        if let error = result.error {
            values["error_type"] = "RunError"
            values["error_class"] = error.category.rawValue
            values["error_code"] = error.code
            values["error_message"] = String(redactor.redact(text: error.message).prefix(1500))
        }
        values["tables_json"] = document["load"]?.jsonText
        values["plugins_json"] = document["plugins"]?.jsonText
        let units = Self.reportedUnits(result, redactor: redactor) ?? Self.loadedUnits(result)
        return (AuditRecord(values: values), units)
    }

    /// A unit per entry of a runner's `table_stats` (the built-in `sqldb` runner's tables, failed ones too: a
    /// failed run keeps the tables it committed before the failure); nil when the runner reported none.
    private static func reportedUnits(_ result: RunResult, redactor: Redactor) -> [AuditUnit]? {
        // Entries in the Python dltaf's TableRunStats shape only; other runners' counts stay the loader's.
        guard let stats = result.tableStats?.arrayValue, !stats.isEmpty,
            stats.allSatisfy({ $0["target_table"]?.stringValue != nil })
        else { return nil }
        return stats.enumerated().map { ordinal, stat in
            let table = stat["target_table"]?.stringValue ?? stat["source_table"]?.stringValue ?? "table \(ordinal)"
            let failed = stat["status"]?.stringValue == "failed"
            var unit: [String: String] = [
                "run_id": result.runID, "unit_kind": "table", "unit_id": table, "ordinal": String(ordinal),
                "status": failed ? "failed" : "success", "stage": stat["stage"]?.stringValue ?? "load",
                "rows_emitted": String(stat["rows_processed"]?.intValue ?? 0), "retry_count": "0",
                "warnings_count": "0", "load_uuid": result.load?.loadID ?? result.runID, "resume_key": "table:\(table)",
                "details_json": stat.jsonText,
            ]
            for key in ["started_at", "finished_at", "error_kind"] { unit[key] = stat[key]?.stringValue }
            unit["duration_seconds"] = stat["duration_seconds"]?.doubleValue.map { String($0) }
            unit["error_message"] = stat["error_message"]?.stringValue.map {
                String(redactor.redact(text: $0).prefix(1500))
            }
            unit["outcome_code"] = stat["error_kind"]?.stringValue?.split(separator: ":").last.map(String.init)
            unit["pipeline_name"] = result.pipelineName
            unit["manifest_path"] = result.manifestPath
            unit["source_kind"] = result.sourceKind
            return AuditUnit(values: unit)
        }
    }

    /// A unit per table the loader committed.
    private static func loadedUnits(_ result: RunResult) -> [AuditUnit] {
        (result.load?.tables ?? []).enumerated().map { ordinal, table in
            var unit: [String: String] = [
                "run_id": result.runID, "unit_kind": "table", "unit_id": table.table, "ordinal": String(ordinal),
                "status": result.status.rawValue == "failed" ? "failed" : "success", "stage": "load",
                "rows_emitted": String(table.rowsCommitted), "retry_count": "0", "warnings_count": "0",
                "load_uuid": result.load?.loadID ?? result.runID, "resume_key": "table:\(table.table)",
                "details_json": JSONValue.object([
                    "stream": .string(table.stream), "write_disposition": .string(table.writeDisposition.rawValue),
                    "rows_inserted": .int(table.inserted), "rows_updated": .int(table.updated),
                    "rows_before": .int(table.rowsBefore), "rows_after": table.rowsAfter.map { .int($0) } ?? .null,
                ]).jsonText,
            ]
            unit["pipeline_name"] = result.pipelineName
            unit["manifest_path"] = result.manifestPath
            unit["source_kind"] = result.sourceKind
            return AuditUnit(values: unit)
        }
    }
}
