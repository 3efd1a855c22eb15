import DltafJSON
import DltafLoad
import DltafManifest
import DltafProtocol
import Foundation

/// Loads one unit: builds its statement, opens its stream, moves the rows with a reader thread on the source and
/// the writer on the destination (a bounded handoff between them), checkpoints incremental units every
/// `chunk_rows` rows, and commits the unit. A source failure rolls the unit back and leaves the session usable.
struct UnitTransfer {
    let source: any SQLSource
    let session: LoadSession
    let batchRows: Int
    let isCancelled: @Sendable () -> Bool
    /// Called after each write with the stream and the rows just written.
    let progress: @Sendable (String, Int) -> Void

    func run(_ unit: SQLDBUnit) -> SQLDBUnitResult {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = Self.timestamp()
        var result = SQLDBUnitResult(
            unit: unit, rows: 0, startedAt: startedAt, finishedAt: startedAt, seconds: 0, rowsBefore: nil,
            failure: nil, route: "rows")
        var opened = false
        do throws(SQLDBUnitResult.Failure) {
            try load(unit, into: &result, opened: &opened)
        } catch {
            result.failure = error
            if opened, !error.stopsRun {
                do {
                    try session.discard(stream: unit.stream)
                } catch {
                    result.failure?.stopsRun = true
                }
            }
        }
        result.seconds = Self.seconds(clock.now - started)
        result.finishedAt = Self.timestamp()
        return result
    }

    private func load(_ unit: SQLDBUnit, into result: inout SQLDBUnitResult, opened: inout Bool)
        throws(SQLDBUnitResult.Failure)
    {
        let state =
            unit.disposition == .replace
            ? nil : try loading(unit) { () throws(LoadError) in try session.committedState().streams[unit.stream] }
        let plan = try UnitStatement.make(unit, source: source, state: state)
        var columns = plan.columns
        var route = Route.rows
        var cursor: (any SourceCursor)?
        if let postgres = source as? PostgresSource, plan.statement.parameters.isEmpty, unit.incremental == nil {
            let described = try reading(unit) { () throws(SQLSourceError) in
                try postgres.describeForCopy(plan.statement)
            }
            columns = plan.reflected ? columns : described.columns
            route = .copy(postgres, described.sql)
        } else {
            cursor = try reading(unit) { () throws(SQLSourceError) in try source.query(plan.statement) }
            if !plan.reflected, let cursor { columns = cursor.columns }
        }
        defer { cursor?.close() }
        if let unmapped = columns.first(where: { $0.type == nil }) {
            throw SQLDBUnitResult.Failure(
                config: "column \(unmapped.name) has type \(unmapped.sourceType), which dltaf cannot load (cast it "
                    + "in a query, or leave the table out)", unit: unit)
        }
        let names = columns.map(\.name)
        let key = unit.primaryKey.isEmpty ? plan.primaryKey : unit.primaryKey
        _ = try loading(unit) { () throws(LoadError) in
            try session.open(
                StreamDeclaration(
                    stream: unit.stream, table: unit.table,
                    columns: columns.map { ColumnDeclaration(name: $0.name, type: $0.type ?? .text) },
                    primaryKey: unit.disposition == .merge ? key : [], writeDisposition: unit.disposition))
        }
        opened = true
        result.rowsBefore = session.statistics.first { $0.stream == unit.stream }?.rowsBefore
        if case .copy(let postgres, let sql) = route {
            let binary = try loading(unit) { () throws(LoadError) in
                try session.acceptsCopyBinary(stream: unit.stream, columns: names)
            }
            let text = try loading(unit) { () throws(LoadError) in
                try session.acceptsCopyText(stream: unit.stream, columns: names)
            }
            if binary, let statement = postgres.binaryCopyStatement(sql, columns: columns, loadID: session.loadID) {
                route = .binary(postgres, statement)
            } else if !text {
                route = .rows
                cursor = try reading(unit) { () throws(SQLSourceError) in try source.query(plan.statement) }
            }
        }
        var tracker = unit.incremental.flatMap { incremental in
            IncrementalCursor(column: incremental.column, columns: names, keyColumns: key, state: state)
        }
        if let incremental = unit.incremental, tracker == nil {
            throw SQLDBUnitResult.Failure(
                config: "the cursor column \(incremental.column) is not among its columns", unit: unit,
                code: "cursor_missing")
        }
        let handoff = Handoff()
        startReader(route: route, cursor: cursor, width: names.count, handoff: handoff)
        defer { handoff.cancelAndWait() }
        switch route {
        case .copy: result.route = "copy"
        case .binary: result.route = "copy_binary"
        case .rows: break
        }
        var sinceCheckpoint = 0
        let clock = ContinuousClock()
        var writing = Duration.zero
        defer { result.writeSeconds = Self.seconds(writing) }
        while true {
            if isCancelled() { throw .cancelled(unit) }
            let item = try reading(unit) { () throws(SQLSourceError) in try handoff.take() }
            guard let item else { break }
            let written: Int
            let writeStart = clock.now
            defer { writing += clock.now - writeStart }
            switch item {
            case .copyText(let data, let rows):
                written = try loading(unit) { () throws(LoadError) in
                    try session.writeCopyText(stream: unit.stream, columns: names, data: data, rows: rows)
                }
            case .copyBinary(let data, let rows):
                written = try loading(unit) { () throws(LoadError) in
                    try session.writeCopyBinary(stream: unit.stream, columns: names, data: data, rows: rows)
                }
            case .batch(let raw):
                let batch = tracker?.filtered(raw) ?? raw
                written = try loading(unit) { () throws(LoadError) in
                    try session.write(stream: unit.stream, columns: names, batch: batch)
                }
                tracker?.advance(over: batch)
            }
            result.rows += written
            sinceCheckpoint += written
            progress(unit.stream, written)
            if let chunk = unit.incremental?.chunkRows, let current = tracker, sinceCheckpoint >= chunk,
                current.canCheckpoint
            {
                try checkpoint(unit, state: current.state)
                sinceCheckpoint = 0
            }
        }
        try checkpoint(unit, state: tracker?.state)
    }

    private func checkpoint(_ unit: SQLDBUnit, state: JSONValue?) throws(SQLDBUnitResult.Failure) {
        try loading(unit) { () throws(LoadError) in
            _ = try session.checkpoint(state: nil, streams: state.map { [unit.stream: $0] } ?? [:])
        }
    }

    // MARK: Reader thread

    private enum Route {
        case rows
        /// COPY text passed through (any PostgreSQL table).
        case copy(PostgresSource, String)
        /// Binary COPY passed through (a table created in this run), the statement casting to its types.
        case binary(PostgresSource, String)
    }

    private func startReader(route: Route, cursor: (any SourceCursor)?, width: Int, handoff: Handoff) {
        let batchRows = batchRows
        switch route {
        case .copy(let postgres, let sql):
            Self.relay(postgres, sql, binary: false, handoff: handoff)
        case .binary(let postgres, let sql):
            Self.relay(postgres, sql, binary: true, handoff: handoff)
        case .rows:
            guard let cursor else {
                handoff.finish(nil)
                return
            }
            let reader = HandedOver(value: cursor)
            Thread.detachNewThread {
                do throws(SQLSourceError) {
                    while true {
                        var batch = RowBatch(width: width, capacity: batchRows)
                        let more = try reader.value.next(into: &batch, maxRows: batchRows)
                        if batch.rowCount > 0, !handoff.put(.batch(batch)) { break }
                        if !more { break }
                    }
                    handoff.finish(nil)
                } catch {
                    handoff.finish(error)
                }
            }
        }
    }

    /// The reader thread of a pass-through: COPY messages gathered into 1 MiB pieces. Each message is one row;
    /// in binary format the first also carries the header, and the trailer ends the stream.
    private static func relay(_ postgres: PostgresSource, _ sql: String, binary: Bool, handoff: Handoff) {
        let source = HandedOver(value: postgres)
        Thread.detachNewThread {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 20 + 65_536)
            var rows = 0
            var stopped = false
            let item = { (data: [UInt8], rows: Int) in
                binary ? TransferItem.copyBinary(data, rows: rows) : TransferItem.copyText(data, rows: rows)
            }
            do throws(SQLSourceError) {
                var first = true
                try source.value.copyRows(sql, binary: binary) { row in
                    chunk.append(contentsOf: row)
                    // The binary trailer (-1 as a 16-bit field count) comes alone, or right after the header
                    // (19 bytes) when there are no rows: neither is a row.
                    let trailer =
                        binary && (row.count == 2 || (first && row.count == 21)) && row[row.count - 1] == 0xFF
                        && row[row.count - 2] == 0xFF
                    first = false
                    if !trailer { rows += 1 }
                    guard chunk.count >= 1 << 20 else { return true }
                    stopped = !handoff.put(item(chunk, rows))
                    chunk.removeAll(keepingCapacity: true)
                    rows = 0
                    return !stopped
                }
                if !stopped, !chunk.isEmpty { _ = handoff.put(item(chunk, rows)) }
                handoff.finish(nil)
            } catch {
                handoff.finish(error)
            }
        }
    }

    // MARK: Helpers

    private func reading<Value>(_ unit: SQLDBUnit, _ body: () throws(SQLSourceError) -> Value)
        throws(SQLDBUnitResult.Failure) -> Value
    {
        do {
            return try body()
        } catch {
            throw SQLDBUnitResult.Failure(error, unit: unit)
        }
    }

    private func loading<Value>(_ unit: SQLDBUnit, _ body: () throws(LoadError) -> Value)
        throws(SQLDBUnitResult.Failure) -> Value
    {
        do {
            return try body()
        } catch {
            throw SQLDBUnitResult.Failure(error, unit: unit)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Now, in RFC 3339 UTC with milliseconds (without Foundation's formatters, which load ICU).
    static func timestamp() -> String { UTCDate(Date()).rfc3339 }
}
