public import DltafJSON
public import DltafLoad
import DltafManifest
import DltafProtocol
import Foundation

/// The audit stores a `runs` command reads.
public struct RunStores: Sendable {
    let stores: [DestinationConfiguration]
}

/// One run read back: its record and units.
public struct RunDetails: Sendable {
    /// The `_pipeline_runs` row.
    public var record: AuditRecord
    /// Its `_pipeline_run_units` rows.
    public var units: [AuditUnit]

    /// The record as JSON with its `units`.
    public var json: JSONValue {
        guard case .object(var object) = RunHistory.json(record) else { return .null }
        object["units"] = .array(units.map(RunHistory.json))
        return .object(object)
    }

    /// For people.
    public var text: String { RunHistory.text(record, units: units) }
}

/// `dltaf runs list|show`: the run audit read back from its stores.
public enum RunHistory {
    /// The stores to read: `--store` files; a manifest's destination (when dltaf loads it) and its local store;
    /// else every SQLite file in `./.dltaf/` (the destination files and the local store of the manifests here).
    public static func stores(storeFiles: [String], manifest: RunRequest?, folder: String) async throws(RunError)
        -> RunStores
    {
        var stores = storeFiles.map { DestinationConfiguration.sqlite(SQLiteConfiguration(path: $0)) }
        if let manifest {
            if let destination = try await LoadTarget.open(manifest, console: Console(minimumLevel: .error)).destination
            {
                stores.append(destination)
            }
            stores.append(RunAudit.localStore(besideManifest: manifest.manifestPath))
        }
        if stores.isEmpty {
            let local = (folder as NSString).appendingPathComponent(".dltaf")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: local)) ?? [])
                .filter { $0.hasSuffix(".sqlite") }.sorted()
            stores = files.map { .sqlite(SQLiteConfiguration(path: local + "/" + $0)) }
        }
        return RunStores(stores: stores)
    }

    /// The newest runs first across `stores`, of `pipeline` when given (a store that does not exist yet has none).
    public static func list(_ stores: RunStores, pipeline: String?, limit: Int) throws(RunError) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var seen: Set<String> = []
        for store in stores.stores where exists(store) {
            for record in try read(
                store, { (audit) throws(LoadError) in try audit.runs(pipeline: pipeline, limit: limit) })
            where seen.insert(record["run_id"] ?? "").inserted {
                records.append(record)
            }
        }
        return Array(records.sorted { ($0["started_at"] ?? "") > ($1["started_at"] ?? "") }.prefix(limit))
    }

    /// One run and its units, from the first store that has it.
    public static func show(_ stores: RunStores, runID: String) throws(RunError) -> RunDetails? {
        for store in stores.stores where exists(store) {
            if let (record, units) = try read(store, { (audit) throws(LoadError) in try audit.run(id: runID) }) {
                return RunDetails(record: record, units: units)
            }
        }
        return nil
    }

    /// `runs list` as a table: started, pipeline, status, rows, duration, error class/code, run id.
    public static func table(_ records: [AuditRecord]) -> String {
        let header = ["STARTED", "PIPELINE", "STATUS", "ROWS", "SECONDS", "ERROR", "RUN_ID"]
        let rows = records.map { record in
            [
                record["started_at"] ?? "", record["pipeline_name"] ?? "", record["status"] ?? "",
                record["rows_count"] ?? "-", record["duration_seconds"] ?? "",
                record["error_class"].map { "\($0)/\(record["error_code"] ?? "")" } ?? "-", record["run_id"] ?? "",
            ]
        }
        return TextTable.render([header] + rows)
    }

    /// A record as JSON: numbers and flags typed, `*_json` columns parsed.
    public static func json(_ record: AuditRecord) -> JSONValue { object(record.values, order: AuditRecord.columns) }

    /// A unit as JSON.
    public static func json(_ unit: AuditUnit) -> JSONValue { object(unit.values, order: AuditUnit.columns) }

    /// `runs show` for people: the run's fields, then its units.
    public static func text(_ record: AuditRecord, units: [AuditUnit]) -> String {
        var lines: [String] = []
        for column in AuditRecord.columns {
            guard let value = record[column], !value.isEmpty, !column.hasSuffix("_json") else { continue }
            lines.append("\(column): \(value)")
        }
        if let tables = record["tables_json"].flatMap({ try? JSONParser.parse($0) }) {
            for table in tables["tables"]?.arrayValue ?? [] {
                lines.append(
                    "table \(table["table"]?.stringValue ?? "?"): \(table["rows_committed"]?.intValue ?? 0) rows "
                        + "committed (\(table["write_disposition"]?.stringValue ?? "")), load \(tables["load_id"]?.stringValue ?? "")"
                )
            }
        }
        for unit in units {
            lines.append(
                "unit \(unit["ordinal"] ?? "") \(unit["unit_kind"] ?? "") \(unit["unit_id"] ?? ""): "
                    + "\(unit["status"] ?? "") rows=\(unit["rows_emitted"] ?? "0") resume_key=\(unit["resume_key"] ?? "")"
            )
        }
        return lines.joined(separator: "\n")
    }

    private static func object(_ values: [String: String], order: [String]) -> JSONValue {
        var object = JSONObject()
        for column in order {
            guard let text = values[column] else {
                object[column] = .null
                continue
            }
            if column.hasSuffix("_json") {
                object[column] = (try? JSONParser.parse(text)) ?? .string(text)
            } else if column.hasSuffix("_count") || column == "ordinal" || column == "rows_emitted",
                let number = Int(text)
            {
                object[column] = .int(number)
            } else if column == "duration_seconds", let number = Double(text) {
                object[column] = .double(number)
            } else if ["validate_only", "explain_config", "dry_run", "dry_run_online", "plan"].contains(column) {
                object[column] = .bool(text == "1")
            } else {
                object[column] = .string(text)
            }
        }
        return .object(object)
    }

    /// A store that was never written has nothing to read (and is not created by reading).
    private static func exists(_ store: DestinationConfiguration) -> Bool {
        if case .sqlite(let configuration) = store { return FileManager.default.fileExists(atPath: configuration.path) }
        return true
    }

    private static func read<T>(_ store: DestinationConfiguration, _ body: (AuditStore) throws(LoadError) -> T)
        throws(RunError) -> T
    {
        do throws(LoadError) {
            return try body(try AuditStore(destination: store))
        } catch {
            throw RunError(error, stage: "reading the run audit (\(store.name))")
        }
    }
}
