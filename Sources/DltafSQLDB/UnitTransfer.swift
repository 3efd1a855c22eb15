import DltafJSON
import DltafLoad
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
        if case .copy = route,
            try !loading(
                unit,
                { () throws(LoadError) in
                    try session.acceptsCopyText(stream: unit.stream, columns: names)
                })
        {
            route = .rows
            cursor = try reading(unit) { () throws(SQLSourceError) in try source.query(plan.statement) }
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
        if case .copy = route { result.route = "copy" }
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
        case copy(PostgresSource, String)
    }

    private func startReader(route: Route, cursor: (any SourceCursor)?, width: Int, handoff: Handoff) {
        let batchRows = batchRows
        switch route {
        case .copy(let postgres, let sql):
            let source = HandedOver(value: postgres)
            Thread.detachNewThread {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(1 << 20 + 65_536)
                var rows = 0
                var stopped = false
                do throws(SQLSourceError) {
                    try source.value.copyRows(sql) { row in
                        chunk.append(contentsOf: row)
                        rows += 1
                        guard chunk.count >= 1 << 20 else { return true }
                        stopped = !handoff.put(.copyText(chunk, rows: rows))
                        chunk.removeAll(keepingCapacity: true)
                        rows = 0
                        return !stopped
                    }
                    if !stopped, rows > 0 { _ = handoff.put(.copyText(chunk, rows: rows)) }
                    handoff.finish(nil)
                } catch {
                    handoff.finish(error)
                }
            }
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

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
