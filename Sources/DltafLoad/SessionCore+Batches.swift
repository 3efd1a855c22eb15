import DltafProtocol

/// The in-process write paths: typed batches, and PostgreSQL COPY (text or binary) passed through from a
/// PostgreSQL source.
extension SessionCore {
    func write(stream name: String, columns: [String], batch: RowBatch) throws(LoadError) -> Int {
        let load = try stream(name)
        let positions = try load.positions(ofBatchColumns: columns)
        return try guarded { () throws(LoadError) -> Int in
            try destination.beginIfNeeded()
            defer { load.freezeAfterFirstWrite() }
            return try naming(load, load.add(batch: batch, positions: positions))
        }
    }

    /// Whether rows of `columns` may be written as COPY text: the destination is PostgreSQL and `columns` are
    /// the stream's table columns in table order (so each line's fields land where they belong).
    func acceptsCopyText(stream name: String, columns: [String]) throws(LoadError) -> Bool {
        let load = try stream(name)
        guard load.sink is PostgresTableSink else { return false }
        let positions = try load.positions(ofBatchColumns: columns)
        return positions == Array(0..<load.columns.count)
    }

    /// Whether `writeCopyBinary` can take rows of `columns`: as `acceptsCopyText`, and the table is new in this
    /// run (its column types are exactly the declared ones).
    func acceptsCopyBinary(stream name: String, columns: [String]) throws(LoadError) -> Bool {
        guard try acceptsCopyText(stream: name, columns: columns),
            let sink = streams[name]?.sink as? PostgresTableSink
        else { return false }
        return sink.acceptsBinaryCopy
    }

    func writeCopyBinary(stream name: String, columns: [String], data: [UInt8], rows: Int) throws(LoadError) -> Int {
        guard try acceptsCopyBinary(stream: name, columns: columns) else {
            throw LoadError(
                .badRows, "stream \(name): binary COPY needs a PostgreSQL table created in this run, columns in order")
        }
        return try passThrough(stream: name, rows: rows) { sink throws(LoadError) in
            try sink.appendCopyBinary(data, rows: rows)
        }
    }

    func writeCopyText(stream name: String, columns: [String], data: [UInt8], rows: Int)
        throws(LoadError) -> Int
    {
        guard try acceptsCopyText(stream: name, columns: columns) else {
            throw LoadError(
                .badRows, "stream \(name): COPY text needs a PostgreSQL destination and the table's columns in order")
        }
        return try passThrough(stream: name, rows: rows) { sink throws(LoadError) in
            try sink.appendCopyText(data, rows: rows)
        }
    }

    /// Hands already-encoded rows of an accepted stream to its PostgreSQL sink and counts them.
    private func passThrough(
        stream name: String, rows: Int, _ append: (PostgresTableSink) throws(LoadError) -> Void
    ) throws(LoadError) -> Int {
        let load = try stream(name)
        guard let sink = load.sink as? PostgresTableSink else {
            throw LoadError(.badRows, "stream \(name): COPY needs a PostgreSQL destination")
        }
        return try guarded { () throws(LoadError) -> Int in
            try destination.beginIfNeeded()
            try naming(load, append(sink))
            load.rowsWritten += rows
            load.rowsSinceCheckpoint += rows
            return rows
        }
    }
}

extension SessionCore {
    /// Rolls back everything since the last checkpoint and forgets `stream` (an in-process unit that failed at
    /// its source): the session stays usable for the other streams. Rows other streams wrote since the last
    /// checkpoint are rolled back too, so callers checkpoint each unit before starting the next.
    func discard(stream name: String) throws(LoadError) {
        try usable()
        for other in order { streams[other]?.sink.abandon() }
        destination.rollback()
        for other in order where other != name {
            guard let load = streams[other] else { continue }
            load.rowsWritten -= load.rowsSinceCheckpoint
            load.rowsSinceCheckpoint = 0
        }
        streams[name] = nil
        order.removeAll { $0 == name }
    }
}

extension SessionCore {
    /// `count(*)` of the table `stream` writes (its rows as committed and pending, in this transaction).
    func rowCount(stream name: String) throws(LoadError) -> Int {
        let load = try stream(name)
        return try guarded { () throws(LoadError) -> Int in try destination.count(table: load.table) }
    }
}
