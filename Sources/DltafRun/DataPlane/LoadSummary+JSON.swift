import DltafJSON
import DltafLoad
import DltafProtocol

extension LoadSummary {
    /// `{load_id, checkpoints, tables: [{stream, table, write_disposition, rows_*}]}`, as the result shows it.
    var json: JSONValue {
        [
            "load_id": .string(loadID), "checkpoints": .int(checkpoints),
            "tables": .array(
                tables.map { table in
                    var object: JSONObject = [
                        "stream": .string(table.stream), "table": .string(table.table),
                        "write_disposition": .string(table.writeDisposition.rawValue),
                        "rows_written": .int(table.rowsWritten), "rows_committed": .int(table.rowsCommitted),
                        "rows_discarded": .int(table.rowsDiscarded), "rows_inserted": .int(table.inserted),
                        "rows_updated": .int(table.updated), "rows_before": .int(table.rowsBefore),
                    ]
                    if let after = table.rowsAfter { object["rows_after"] = .int(after) }
                    return .object(object)
                }),
        ]
    }

    /// The Python dltaf's `load_metrics` for the committed tables.
    var metricsJSON: JSONValue {
        [
            "packages_count": .int(checkpoints > 0 ? 1 : 0), "jobs_count": .int(checkpoints),
            "failed_jobs_count": 0, "tables_count": .int(tables.count),
            "rows_count": .int(tables.reduce(0) { $0 + $1.rowsCommitted }),
        ]
    }

    /// The Python dltaf's `table_stats` (`TableRunStats`) per committed table.
    var tableStatsJSON: JSONValue {
        .array(
            tables.map { table in
                var object: JSONObject = [
                    "source_table": .string(table.stream), "target_table": .string(table.table),
                    "status": "success", "rows_processed": .int(table.rowsWritten),
                    "rows_inserted": .int(table.inserted), "rows_updated": .int(table.updated),
                    "rows_before": .int(table.rowsBefore),
                ]
                if let after = table.rowsAfter {
                    object["rows_after"] = .int(after)
                    object["delta_rows"] = .int(after - table.rowsBefore)
                }
                return .object(object)
            })
    }
}
