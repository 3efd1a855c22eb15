public import DltafJSON
public import DltafProtocol
import Synchronization

/// The `data.v1` feature during one `runner/run` call (PROTOCOL.md §8): hand rows to dltaf, which loads them
/// into `pipeline.destination` and commits them with the runner's state.
///
/// ```swift
/// if let data = call.data {
///     try await data.open(stream: "greetings", primaryKey: ["id"])
///     try await data.write(stream: "greetings", rows: [["id": 1, "text": "hi"]])
///     try await data.checkpoint(streams: ["greetings": ["last_id": 1]])
/// }
/// ```
/// Rows are buffered per stream and sent `batchRows` to a line; `checkpoint` and the end of the runner send
/// what is buffered. Every request waits for its answer, so a fast runner is held back by the host's pace.
public final class PluginData: Sendable {
    /// What `runner/run` carried for the feature.
    public let params: RunnerDataParams
    /// The most rows one `data/write` line carries.
    public let batchRows: Int
    private let host: HostRequests
    private let core = Mutex(Core())

    private struct Core {
        var opened: [String] = []
        var buffers: [String: RowBuffer] = [:]
        var accepted: [String: Int] = [:]
        var finished = false
    }

    init(params: RunnerDataParams, host: HostRequests, batchRows: Int) {
        self.params = params
        self.host = host
        self.batchRows = max(1, batchRows)
    }

    /// The pipeline state of the last committed checkpoint (`null` on the first run).
    public var state: JSONValue { params.state }
    /// The state of each stream at the last committed checkpoint.
    public var streams: JSONObject { params.streams }
    /// The state of `stream` at the last committed checkpoint (`null` when none).
    public func streamState(_ stream: String) -> JSONValue { params.streams[stream] ?? .null }
    /// The folder for `write(stream:file:format:)` files.
    public var spoolDirectory: String { params.spoolDirectory }
    /// The id of this run's loads.
    public var loadID: String { params.loadID }
    /// Where the rows go.
    public var destination: RunnerDataParams.Destination { params.destination }
    /// Rows the host accepted so far, per stream.
    public var rowsAccepted: [String: Int] { core.withLock { $0.accepted } }

    /// Declares a stream, once per run (`data/open`).
    ///
    /// - Returns: the host's answer: the table the rows go to and the stream's last committed state.
    @discardableResult
    public func open(
        stream: String, table: String? = nil, columns: [DataColumn]? = nil, primaryKey: [String]? = nil,
        writeDisposition: WriteDisposition? = nil
    ) async throws(DataError) -> DataOpenResult {
        let method = ProtocolMethod.dataOpen
        try checkRunning(method)
        let params = DataOpenParams(
            stream: stream, table: table, columns: columns, primaryKey: primaryKey,
            writeDisposition: writeDisposition)
        let answer = try await request(method, params.json)
        let result = try read(method) { () throws(ProtocolViolation) in try DataOpenResult(json: answer) }
        core.withLock { core in
            if !core.opened.contains(stream) { core.opened.append(stream) }
        }
        return result
    }

    /// Adds rows given as objects to an open stream; a key is a column, a missing key is `null`.
    public func write(stream: String, rows: [[String: JSONValue]]) async throws(DataError) {
        try buffer(stream) { $0.append(rows) }
        try await send(stream, whenAtLeast: batchRows)
    }

    /// Adds rows given in `columns` order to an open stream; each row must be exactly as wide as `columns`.
    public func write(stream: String, columns: [String], values: [[JSONValue]]) async throws(DataError) {
        if let index = values.firstIndex(where: { $0.count != columns.count }) {
            throw DataError(
                method: ProtocolMethod.dataWrite, .badRows,
                "stream \"\(stream)\": row \(index) has \(values[index].count) values for \(columns.count) columns")
        }
        try buffer(stream) { $0.append(columns: columns, values: values) }
        try await send(stream, whenAtLeast: batchRows)
    }

    /// Hands a file in `spoolDirectory` to the host (`data/write` with `file`), after the stream's buffered rows.
    ///
    /// - Returns: the rows the host accepted from the file.
    @discardableResult
    public func write(stream: String, file path: String, format: DataFileFormat) async throws(DataError) -> Int {
        try buffer(stream) { _ in }
        try await send(stream, whenAtLeast: 1)
        let params = DataWriteParams(stream: stream, batch: .file(path: path, format: format))
        let answer = await host.request(ProtocolMethod.dataWrite, params.json)
        return try acceptWrite(stream, answer: answer)
    }

    /// Sends every buffered row.
    public func flush() async throws(DataError) {
        for stream in core.withLock({ $0.opened }) {
            try await send(stream, whenAtLeast: 1)
        }
    }

    /// Sends what is buffered, then makes everything written durable with new state (`data/checkpoint`).
    ///
    /// - Parameters:
    ///   - state: the new pipeline state; nil keeps the current one.
    ///   - streams: the new state of each stream it names; the others keep theirs.
    /// - Returns: the host's answer, sent once the checkpoint is durable.
    @discardableResult
    public func checkpoint(state: JSONValue? = nil, streams: JSONObject? = nil) async throws(DataError)
        -> DataCheckpointResult
    {
        let method = ProtocolMethod.dataCheckpoint
        try checkRunning(method)
        try await flush()
        let answer = try await request(method, DataCheckpointParams(state: state, streams: streams).json)
        return try read(method) { () throws(ProtocolViolation) in try DataCheckpointResult(json: answer) }
    }

    /// The runner returned: sends what is buffered (when `flush`), then refuses further use.
    func finish(flush: Bool) async throws(DataError) {
        defer { core.withLock { $0.finished = true } }
        if flush { try await self.flush() }
    }

    private func buffer(_ stream: String, _ change: (inout RowBuffer) -> Void) throws(DataError) {
        let method = ProtocolMethod.dataWrite
        try core.withLock { core throws(DataError) in
            guard !core.finished else { throw Self.afterRun(method) }
            guard core.opened.contains(stream) else {
                throw DataError(method: method, .streamNotOpen, "stream \"\(stream)\" was not opened (data/open)")
            }
            change(&core.buffers[stream, default: RowBuffer()])
        }
    }

    /// Sends `stream`'s buffered rows, a batch at a time, while at least `minimum` are buffered.
    private func send(_ stream: String, whenAtLeast minimum: Int) async throws(DataError) {
        while true {
            // Taken and sent under one lock, so batches reach the host in the order they were cut.
            let id: Int? = core.withLock { core in
                guard let count = core.buffers[stream]?.count, count >= minimum, count > 0 else { return nil }
                let batch = core.buffers[stream, default: RowBuffer()].take(batchRows)
                let params = DataWriteParams(stream: stream, batch: .rows(columns: batch.columns, values: batch.values))
                return host.send(ProtocolMethod.dataWrite, params.json)
            }
            guard let id else { return }
            let answer = await host.answer(id)
            try acceptWrite(stream, answer: answer)
        }
    }

    @discardableResult
    private func acceptWrite(_ stream: String, answer: HostRequests.Answer) throws(DataError) -> Int {
        let method = ProtocolMethod.dataWrite
        let result: JSONValue
        switch answer {
        case .success(let value): result = value
        case .failure(let error): throw DataError(method: method, answer: error)
        }
        let rows = try read(method) { () throws(ProtocolViolation) in try DataWriteResult(json: result).rows }
        core.withLock { $0.accepted[stream, default: 0] += rows }
        return rows
    }

    private func request(_ method: String, _ params: JSONValue) async throws(DataError) -> JSONValue {
        switch await host.request(method, params) {
        case .success(let value): return value
        case .failure(let error): throw DataError(method: method, answer: error)
        }
    }

    private func checkRunning(_ method: String) throws(DataError) {
        if core.withLock({ $0.finished }) { throw Self.afterRun(method) }
    }

    private func read<T>(_ method: String, _ body: () throws(ProtocolViolation) -> T) throws(DataError) -> T {
        do {
            return try body()
        } catch {
            throw DataError(
                method: method, message: "the host's answer does not follow the protocol: \(error.reason)",
                code: nil, category: .unknown, retryable: false, rpcCode: RPCErrorCode.internalError)
        }
    }

    private static func afterRun(_ method: String) -> DataError {
        DataError(method: method, .noRun, "the runner/run call this data session belongs to has ended")
    }
}
