import DltafJSON
import DltafProtocol
import Foundation

/// The state behind `LoadSession`'s lock: the destination, the open streams, the checkpoint counter and the
/// first failure (after which only `abort()` is accepted).
final class SessionCore {
    let destination: any Destination
    let pipeline: String
    let loadID: String
    let defaults: (disposition: WriteDisposition, contract: SchemaContract)
    let spoolDirectory: String?
    var streams: [String: StreamLoad] = [:]
    var order: [String] = []
    var checkpointNumber = 0
    var failure: LoadError?
    var closed = false

    init(
        destination: any Destination, pipeline: String, loadID: String,
        defaults: (WriteDisposition, SchemaContract), spoolDirectory: String?
    ) {
        self.destination = destination
        self.pipeline = pipeline
        self.loadID = loadID
        self.defaults = defaults
        self.spoolDirectory = spoolDirectory
    }

    deinit { if !closed { abort() } }

    // MARK: State

    func committedState(pipeline: String) throws(LoadError) -> CommittedState {
        try usable()
        var state = CommittedState(pipeline: nil, streams: [:])
        for (stream, text) in try destination.readStates(pipeline: pipeline) {
            let value = try parseState(text, stream: stream)
            if stream.isEmpty { state.pipeline = value } else { state.streams[stream] = value }
        }
        return state
    }

    func resetState(pipeline: String, stream: String?) throws(LoadError) {
        try usable()
        let pending = destination.inTransaction
        try guarded { () throws(LoadError) in
            try destination.beginIfNeeded()
            try destination.deleteStates(pipeline: pipeline, stream: stream)
            if !pending { try destination.commit() }
        }
    }

    private func parseState(_ text: String, stream: String) throws(LoadError) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            let owner = stream.isEmpty ? "the pipeline" : "stream \(stream)"
            throw LoadError(.destinationFailed, "the stored state of \(owner) is not JSON (\(error))")
        }
    }

    // MARK: Streams

    func open(_ declaration: StreamDeclaration) throws(LoadError) -> OpenedStream {
        try usable()
        let stream = declaration.stream
        guard !stream.isEmpty else { throw LoadError(.badRows, "a stream needs a name") }
        guard streams[stream] == nil else {
            throw LoadError(.streamAlreadyOpen, "stream \(stream) is already open in this run")
        }
        let table = NameNormalizer.normalize(
            declaration.table ?? stream, limit: NameNormalizer.maxIdentifierBytes - NameNormalizer.tableSuffixRoom)
        guard !table.isEmpty else { throw LoadError(.badRows, "stream \(stream): the table name is empty") }
        guard !table.hasPrefix("_dltaf_") else {
            throw LoadError(.badRows, "stream \(stream): table \(table) is reserved for dltaf")
        }
        if let other = streams.values.first(where: { $0.table == table }) {
            throw LoadError(
                .streamAlreadyOpen, "stream \(stream): table \(table) is already written by stream \(other.stream)")
        }
        let disposition = declaration.writeDisposition ?? defaults.disposition
        let contract = declaration.schemaContract ?? defaults.contract
        let key = declaration.primaryKey.map { NameNormalizer.normalize($0) }
        if disposition == .merge, key.isEmpty {
            throw LoadError(.badRows, "stream \(stream): write disposition merge needs a primary_key")
        }
        let declared = try declaredColumns(declaration)
        let state = try committedState(pipeline: pipeline).streams[stream]
        let load = try guarded { () throws(LoadError) -> StreamLoad in
            try destination.beginIfNeeded()
            let existing = try destination.describe(table: table)
            let rowsBefore = try existing == nil ? 0 : destination.count(table: table)
            if let existing, contract == .freeze,
                let new = declared.first(where: { column in !existing.columns.contains { $0.name == column.name } })
            {
                throw LoadError(
                    .schemaContract, "stream \(stream): declared column \(new.name) is new under schema contract freeze"
                )
            }
            let sink = try destination.makeSink(
                SinkPlan(
                    stream: stream, table: table, disposition: disposition, primaryKey: key,
                    existing: existing?.columns, needsLoadIDColumn: existing.map { !$0.hasLoadID } ?? false,
                    loadID: loadID))
            let required = Array(Set(key + declared.filter { !$0.nullable }.map(\.name))).sorted()
            let load = StreamLoad(
                stream: stream, table: table, disposition: disposition, contract: contract,
                columns: existing?.columns ?? [], required: required, tableExists: existing != nil,
                rowsBefore: rowsBefore, allowsNUL: destination.allowsNUL, sink: sink)
            try load.declare(declared)
            return load
        }
        streams[stream] = load
        order.append(stream)
        return OpenedStream(stream: stream, table: table, state: state)
    }

    private func declaredColumns(_ declaration: StreamDeclaration) throws(LoadError) -> [ColumnSchema] {
        var seen: Set<String> = []
        var columns: [ColumnSchema] = []
        for column in declaration.columns {
            let name = NameNormalizer.normalize(column.name)
            guard !column.name.isEmpty, name != StagingNames.loadIDColumn, seen.insert(name).inserted else {
                throw LoadError(
                    .badRows,
                    "stream \(declaration.stream): declared column \"\(column.name)\" is empty, reserved or repeated")
            }
            columns.append(ColumnSchema(name: name, type: column.type, nullable: column.nullable))
        }
        return columns
    }

    func stream(_ name: String) throws(LoadError) -> StreamLoad {
        try usable()
        guard let load = streams[name] else {
            throw LoadError(.streamNotOpen, "stream \(name) was not opened with data/open")
        }
        return load
    }

    // MARK: Writes

    func write(stream name: String, columns: [String], rows: [[JSONValue]]) throws(LoadError) -> Int {
        let load = try stream(name)
        let names = try load.normalizedNames(columns)
        if let bad = rows.firstIndex(where: { $0.count != columns.count }) {
            throw LoadError(
                .badRows,
                "stream \(name): row \(bad + 1) has \(rows[bad].count) values for \(columns.count) columns")
        }
        return try guarded { () throws(LoadError) -> Int in
            try destination.beginIfNeeded()
            var written = 0
            defer { load.freezeAfterFirstWrite() }
            for row in rows where try naming(load, load.add(names: names, values: row)) { written += 1 }
            return written
        }
    }

    // MARK: Helpers

    /// Destination errors (which name the table) with the stream in front.
    func naming<Value>(_ load: StreamLoad, _ body: @autoclosure () throws(LoadError) -> Value) throws(LoadError)
        -> Value
    {
        do {
            return try body()
        } catch {
            guard error.code == .destinationFailed else { throw error }
            throw LoadError(error.code, "stream \(load.stream): \(error.message)", retryable: error.retryable)
        }
    }

    /// Runs destination work; any failure ends the session's usefulness (the transaction may be half-written).
    func guarded<Value>(_ body: () throws(LoadError) -> Value) throws(LoadError) -> Value {
        do {
            return try body()
        } catch {
            failure = error
            for name in order { streams[name]?.sink.abandon() }
            destination.rollback()
            throw error
        }
    }

    func usable() throws(LoadError) {
        if closed, failure == nil { throw LoadError(.noRun, "the load session has finished") }
        if let failure {
            throw LoadError(
                failure.code, "an earlier error stopped this load: \(failure.message)", retryable: failure.retryable)
        }
    }
}
