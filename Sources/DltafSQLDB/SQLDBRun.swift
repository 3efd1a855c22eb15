import DltafJSON
public import DltafLoad
public import DltafProtocol

/// One run of the built-in `sqldb` runner: the units of the manifest (catalog tables, or queries) loaded one after
/// another into the run's load session, each committed with its cursor state before the next, and the run's
/// outcome under `run.partial_success`. The caller finishes (or aborts) the session afterwards.
///
/// Units run one at a time: each already keeps two cores busy (the source read on a thread of its own, the
/// destination write on the caller's), and one destination transaction at a time is what makes each unit's
/// commit exactly-once.
public struct SQLDBRun {
    let configuration: SQLDBConfiguration
    let transfer: UnitTransfer

    /// - Parameters:
    ///   - isCancelled: polled between batches; a cancelled run fails with code `cancelled`.
    ///   - progress: called after each write with the stream and the rows just written (on the caller's thread).
    public init(
        configuration: SQLDBConfiguration, source: any SQLSource, session: LoadSession,
        isCancelled: @escaping @Sendable () -> Bool, progress: @escaping @Sendable (String, Int) -> Void
    ) {
        self.configuration = configuration
        transfer = UnitTransfer(
            source: source, session: session, batchRows: configuration.batchRows, isCancelled: isCancelled,
            progress: progress)
    }

    /// Runs every unit; blocks (call it off Swift's cooperative pool).
    public func run() -> RunOutcome {
        var warnings = configuration.warnings
        let units: [SQLDBUnit]
        do throws(SQLDBUnitResult.Failure) {
            units = try plan()
        } catch {
            return RunOutcome(
                status: .failed, message: error.message, warnings: warnings, category: error.category,
                code: error.code, retryable: error.retryable)
        }
        var results: [SQLDBUnitResult] = []
        for unit in units {
            let result = transfer.run(unit)
            results.append(result)
            guard let failure = result.failure else { continue }
            let tolerated =
                !failure.stopsRun
                && (configuration.partialSuccess?.tolerates(stage: failure.stage, missingTable: failure.missingTable)
                    ?? false)
            if !tolerated {
                return outcome(.failed, failure.message, results: results, warnings: warnings, failure: failure)
            }
            warnings.append("table \(unit.label) skipped: \(failure.message)")
        }
        let loaded = results.filter { $0.failure == nil }.map(\.unit.stream)
        let failed = results.filter { $0.failure != nil }.map(\.unit.stream)
        let rows = results.reduce(0) { $0 + $1.rows }
        guard !failed.isEmpty else {
            let what = configuration.mode == .catalog ? "table(s)" : "query(ies)"
            return outcome(
                .success, "Loaded \(rows) row(s) from \(loaded.count) \(what).", results: results, warnings: warnings)
        }
        let summary = "Loaded \(loaded.count)/\(results.count) table(s); tolerated \(failed.count) table failure(s)."
        if let policy = configuration.partialSuccess, let why = policy.verdict(loaded: loaded, failed: failed) {
            let failure = results.compactMap(\.failure).first
            return outcome(.failed, "\(summary) Failed: \(why)", results: results, warnings: warnings, failure: failure)
        }
        return outcome(.partialSuccess, summary, results: results, warnings: warnings)
    }

    /// The outcome of a run whose source could not be opened.
    public static func failure(_ error: SQLSourceError) -> RunOutcome {
        let unit = SQLDBUnit(
            stream: "", table: "", origin: .table(schema: nil, name: "source"), disposition: .append, primaryKey: [],
            incremental: nil)
        var failure = SQLDBUnitResult.Failure(error, unit: unit)
        failure.message = error.message
        return RunOutcome(
            status: .failed, message: failure.message, category: failure.category, code: failure.code,
            retryable: failure.retryable)
    }

    /// The units: every listed table (every base table of a schema that lists none), or every query.
    func plan() throws(SQLDBUnitResult.Failure) -> [SQLDBUnit] {
        switch configuration.mode {
        case .query:
            return configuration.queries.map { query in
                SQLDBUnit(
                    stream: query.name, table: query.table, origin: .query(query),
                    disposition: query.writeDisposition ?? configuration.writeDisposition,
                    primaryKey: query.primaryKey, incremental: query.incremental ?? configuration.incremental)
            }
        case .catalog:
            var units: [SQLDBUnit] = []
            var streams: Set<String> = []
            for selection in configuration.schemas {
                var tables = selection.tables
                if tables.isEmpty {
                    do {
                        tables = try transfer.source.tables(schema: selection.schema)
                    } catch {
                        let unit = SQLDBUnit(
                            stream: "", table: "", origin: .table(schema: selection.schema, name: "*"),
                            disposition: configuration.writeDisposition, primaryKey: [], incremental: nil)
                        throw SQLDBUnitResult.Failure(error, unit: unit)
                    }
                }
                for table in tables {
                    let stream = streams.contains(table) ? "\(selection.schema ?? "main")__\(table)" : table
                    streams.insert(stream)
                    units.append(
                        SQLDBUnit(
                            stream: stream, table: stream, origin: .table(schema: selection.schema, name: table),
                            disposition: configuration.writeDisposition, primaryKey: [],
                            incremental: configuration.incremental))
                }
            }
            return units
        }
    }

    private func outcome(
        _ status: RunnerStatus, _ message: String, results: [SQLDBUnitResult], warnings: [String],
        failure: SQLDBUnitResult.Failure? = nil
    ) -> RunOutcome {
        let rows = results.reduce(0) { $0 + $1.rows }
        let metrics: JSONObject = [
            "rows_count": .int(rows), "tables_count": .int(results.filter { $0.failure == nil }.count),
            "failed_tables_count": .int(results.filter { $0.failure != nil }.count),
        ]
        return RunOutcome(
            status: status, message: message, warnings: warnings, loadMetrics: metrics,
            tableStats: results.map(tableStats), category: failure?.category, code: failure?.code,
            retryable: failure.map(\.retryable))
    }

    /// The Python dltaf's `TableRunStats` shape.
    private func tableStats(_ result: SQLDBUnitResult) -> JSONValue {
        var object: JSONObject = [
            "source_table": .string(result.unit.sourceName), "target_table": .string(result.unit.table),
            "started_at": .string(result.startedAt), "finished_at": .string(result.finishedAt),
            "duration_seconds": .double((result.seconds * 1000).rounded() / 1000),
            "status": .string(result.failure == nil ? "success" : "failed"),
            "write_disposition": .string(result.unit.disposition.rawValue), "rows_processed": .int(result.rows),
            "rows_inserted": .int(result.unit.disposition == .merge ? 0 : result.rows),
            "rps": .double(result.seconds > 0 ? (Double(result.rows) / result.seconds).rounded() : 0),
            "route": .string(result.route),
            "write_seconds": .double((result.writeSeconds * 1000).rounded() / 1000),
            "write_rps": .double(result.writeSeconds > 0 ? (Double(result.rows) / result.writeSeconds).rounded() : 0),
        ]
        if let failure = result.failure {
            object["error_kind"] = .string("\(failure.category.rawValue):\(failure.code)")
            object["error_message"] = .string(failure.message)
            object["stage"] = .string(failure.stage.rawValue)
        }
        if let before = result.rowsBefore {
            object["rows_before"] = .int(before)
            if result.failure == nil {
                let after: Int? =
                    switch result.unit.disposition {
                    case .append: before + result.rows
                    case .replace: result.rows
                    case .merge: try? transfer.session.rowCount(stream: result.unit.stream)
                    }
                if let after {
                    object["rows_after"] = .int(after)
                    object["delta_rows"] = .int(after - before)
                    if before > 0 {
                        object["delta_pct"] = .double(
                            (Double(after - before) / Double(before) * 10_000).rounded() / 100)
                    }
                }
            }
        }
        return .object(object)
    }
}
