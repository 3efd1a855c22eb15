import CDltafClients

/// `_dltaf_state` and `_dltaf_loads` in SQLite, written inside the checkpoint's transaction.
extension SQLiteDestination {
    func ensureBookkeeping() throws(LoadError) {
        try connection.exec(BookkeepingSQL.create(timestamp: "TIMESTAMPTZ"), "creating _dltaf_state and _dltaf_loads")
    }

    func readStates(pipeline: String) throws(LoadError) -> [String: String] {
        let exists = try connection.prepare(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_dltaf_state'", "reading _dltaf_state")
        guard exists.step() == DLTAF_LITE_ROW else { return [:] }
        let query = try connection.prepare(
            "SELECT stream, state FROM _dltaf_state WHERE pipeline_name = ?", "reading _dltaf_state")
        _ = query.bind(text: pipeline, at: 1)
        var states: [String: String] = [:]
        while true {
            let code = query.step()
            if code == DLTAF_LITE_DONE { return states }
            guard code == DLTAF_LITE_ROW else { throw connection.failure(code, "reading _dltaf_state") }
            states[query.text(0) ?? ""] = query.text(1) ?? "null"
        }
    }

    func writeState(_ record: StateRecord) throws(LoadError) {
        let statement = try connection.prepare(
            BookkeepingSQL.upsertState(placeholders: sqlitePlaceholders(6)), "writing _dltaf_state")
        let cells: [Cell] = [
            .text(record.pipeline), .text(record.stream), .text(record.state), .text(record.loadID),
            .int(Int64(record.checkpoint)), .text(record.updatedAt),
        ]
        try run(statement, cells, "writing the state of \(record.stream.isEmpty ? "the pipeline" : record.stream)")
    }

    func deleteStates(pipeline: String, stream: String?) throws(LoadError) {
        try ensureBookkeeping()
        if let stream {
            let statement = try connection.prepare(
                "DELETE FROM _dltaf_state WHERE pipeline_name = ? AND stream = ?", "resetting state")
            try run(statement, [.text(pipeline), .text(stream)], "resetting the state of \(stream)")
        } else {
            let statement = try connection.prepare(
                "DELETE FROM _dltaf_state WHERE pipeline_name = ?", "resetting state")
            try run(statement, [.text(pipeline)], "resetting the state of \(pipeline)")
        }
    }

    func recordLoad(_ record: LoadRecord) throws(LoadError) {
        let statement = try connection.prepare(
            BookkeepingSQL.insertLoad(placeholders: sqlitePlaceholders(7)), "writing _dltaf_loads")
        let cells: [Cell] = [
            .text(record.loadID), .text(record.pipeline), .int(Int64(record.checkpoint)), .text(record.status),
            .int(Int64(record.rows)), .text(record.insertedAt), record.schemaHash.map { .text($0) } ?? .null,
        ]
        try run(statement, cells, "recording load \(record.loadID)")
    }

    private func run(_ statement: SQLiteStatement, _ cells: [Cell], _ what: String) throws(LoadError) {
        for (index, cell) in cells.enumerated() { _ = statement.bind(cell, at: Int32(index + 1)) }
        let code = statement.step()
        guard code == DLTAF_LITE_DONE else { throw connection.failure(code, what) }
    }

    private func sqlitePlaceholders(_ count: Int) -> [String] { Array(repeating: "?", count: count) }
}

/// The bookkeeping statements both SQL destinations share; only placeholders and the timestamp type differ.
enum BookkeepingSQL {
    static func create(timestamp: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS "_dltaf_state" ("pipeline_name" TEXT NOT NULL, "stream" TEXT NOT NULL, \
        "state" TEXT NOT NULL, "load_id" TEXT NOT NULL, "checkpoint" BIGINT NOT NULL, \
        "updated_at" \(timestamp) NOT NULL, PRIMARY KEY ("pipeline_name", "stream"));
        CREATE TABLE IF NOT EXISTS "_dltaf_loads" ("load_id" TEXT NOT NULL, "pipeline_name" TEXT NOT NULL, \
        "checkpoint" BIGINT NOT NULL, "status" TEXT NOT NULL, "rows" BIGINT NOT NULL, \
        "inserted_at" \(timestamp) NOT NULL, "schema_hash" TEXT, PRIMARY KEY ("load_id", "checkpoint"));
        """
    }

    static func upsertState(placeholders: [String]) -> String {
        """
        INSERT INTO "_dltaf_state" ("pipeline_name", "stream", "state", "load_id", "checkpoint", "updated_at") \
        VALUES (\(placeholders.joined(separator: ", "))) ON CONFLICT ("pipeline_name", "stream") DO UPDATE SET \
        "state" = excluded."state", "load_id" = excluded."load_id", "checkpoint" = excluded."checkpoint", \
        "updated_at" = excluded."updated_at"
        """
    }

    static func insertLoad(placeholders: [String]) -> String {
        """
        INSERT INTO "_dltaf_loads" ("load_id", "pipeline_name", "checkpoint", "status", "rows", "inserted_at", \
        "schema_hash") VALUES (\(placeholders.joined(separator: ", ")))
        """
    }
}
