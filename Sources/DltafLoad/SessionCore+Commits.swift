import DltafJSON
import DltafProtocol
import Foundation

/// Commits: a checkpoint (rows + state + load record in one transaction), the final commit, the rollback.
extension SessionCore {
    func checkpoint(state: JSONValue?, streams states: [String: JSONValue]) throws(LoadError) -> CheckpointResult {
        try usable()
        if states.keys.contains("") { throw LoadError(.badRows, "a stream state needs a stream name") }
        let number = checkpointNumber + 1
        let rows = try guarded { () throws(LoadError) -> [String: Int] in
            try destination.beginIfNeeded()
            for name in order { try streams[name]?.sink.prepareCommit() }
            try destination.ensureBookkeeping()
            let now = Self.timestamp()
            if let state {
                try destination.writeState(
                    StateRecord(
                        pipeline: pipeline, stream: "", state: state.jsonText, loadID: loadID, checkpoint: number,
                        updatedAt: now))
            }
            for stream in states.keys.sorted() {
                guard let value = states[stream] else { continue }
                try destination.writeState(
                    StateRecord(
                        pipeline: pipeline, stream: stream, state: value.jsonText, loadID: loadID,
                        checkpoint: number, updatedAt: now))
            }
            let rows = pendingRows()
            try destination.recordLoad(
                LoadRecord(
                    loadID: loadID, pipeline: pipeline, checkpoint: number, status: "checkpoint",
                    rows: rows.values.reduce(0, +), insertedAt: now, schemaHash: schemaHash()))
            try destination.commit()
            return rows
        }
        committed(number)
        return CheckpointResult(loadID: loadID, checkpoint: number, rows: rows)
    }

    func finish() throws(LoadError) -> LoadSummary {
        try usable()
        let number = checkpointNumber + 1
        try guarded { () throws(LoadError) in
            try destination.beginIfNeeded()
            for name in order { try streams[name]?.sink.prepareCommit() }
            for name in order { try streams[name]?.sink.finishRun() }
            try destination.ensureBookkeeping()
            try destination.recordLoad(
                LoadRecord(
                    loadID: loadID, pipeline: pipeline, checkpoint: number, status: "completed",
                    rows: pendingRows().values.reduce(0, +), insertedAt: Self.timestamp(),
                    schemaHash: schemaHash()))
            for name in order {
                guard let load = streams[name] else { continue }
                load.rowsAfter = try destination.count(table: load.table)
            }
            try destination.commit()
        }
        committed(number)
        closed = true
        destination.close()
        return LoadSummary(loadID: loadID, checkpoints: number, tables: statistics)
    }

    func abort() {
        guard !closed else { return }
        for name in order { streams[name]?.sink.abandon() }
        destination.rollback()
        destination.close()
        closed = true
        failure = failure ?? LoadError(.noRun, "the load was aborted")
    }

    var statistics: [TableStatistics] {
        order.compactMap { streams[$0] }.map { load in
            let grown = load.rowsAfter.map { max(0, $0 - load.rowsBefore) } ?? 0
            let inserted = load.disposition == .merge ? min(grown, load.rowsCommitted) : load.rowsCommitted
            return TableStatistics(
                stream: load.stream, table: load.table, writeDisposition: load.disposition,
                rowsWritten: load.rowsWritten, rowsCommitted: load.rowsCommitted, rowsDiscarded: load.rowsDiscarded,
                rowsBefore: load.rowsBefore, rowsAfter: load.rowsAfter, inserted: inserted,
                updated: load.disposition == .merge ? load.rowsCommitted - inserted : 0)
        }
    }

    private func pendingRows() -> [String: Int] {
        var rows: [String: Int] = [:]
        for name in order { rows[name] = streams[name]?.rowsSinceCheckpoint ?? 0 }
        return rows
    }

    private func committed(_ number: Int) {
        checkpointNumber = number
        for load in streams.values {
            load.rowsCommitted += load.rowsSinceCheckpoint
            load.rowsSinceCheckpoint = 0
        }
    }

    /// A short hash of every table's columns, for `_dltaf_loads.schema_hash`.
    private func schemaHash() -> String {
        let text = order.compactMap { streams[$0] }.map { load in
            load.table + ":" + load.columns.map { "\($0.name) \($0.type)" }.joined(separator: ",")
        }.joined(separator: ";")
        return NameNormalizer.hexHash(text)
    }

    static func timestamp() -> String {
        Date.now.ISO8601Format()
    }
}
