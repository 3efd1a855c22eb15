public import DltafJSON
public import DltafProtocol
import Foundation
import Synchronization

/// The destination side of `data.v1` for `PluginTestHost`: answers `data/*` in memory, as dltaf does, and
/// keeps what the runner sent so a test can look at it.
///
/// Rows written since the last checkpoint are pending; `data/checkpoint` and a `runner/run` that ends with
/// `success` or `partial_success` commit them, any other end discards them. The committed state is what the
/// next `runner/run` gets in `data.state` and `data.streams`.
public final class TestDataHost: Sendable {
    /// One stream, as the runner opened it.
    public struct Stream: Sendable, Equatable {
        /// The `data/open` params.
        public var open: DataOpenParams
        /// Committed rows, each in the order of its columns.
        public var committed: [JSONObject] = []
        /// Rows written since the last checkpoint.
        public var pending: [JSONObject] = []
    }

    private struct State {
        var streams: [String: Stream] = [:]
        var openedThisRun: Set<String> = []
        var writes: [DataWriteParams] = []
        var checkpoints: [DataCheckpointParams] = []
        var state: JSONValue = .null
        var streamStates = JSONObject()
        var running = 0
        var checkpointNumber = 0
        var committedSinceCheckpoint: [String: Int] = [:]
        var failures: [String: [DataError]] = [:]
    }

    private let store = Mutex(State())
    /// The spool folder `runner/run` names (created on first use).
    public let spoolDirectory: String
    /// The load id `runner/run` names.
    public let loadID: String

    init() {
        loadID = UUID().uuidString.lowercased()
        spoolDirectory =
            FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-test-spool-\(loadID)")
            .path
    }

    /// Every stream opened so far, by name.
    public var streams: [String: Stream] { store.withLock { $0.streams } }
    /// Every `data/write` received, in order.
    public var writes: [DataWriteParams] { store.withLock { $0.writes } }
    /// Every `data/checkpoint` received, in order.
    public var checkpoints: [DataCheckpointParams] { store.withLock { $0.checkpoints } }
    /// The committed pipeline state.
    public var state: JSONValue { store.withLock { $0.state } }
    /// The committed state of each stream.
    public var streamStates: JSONObject { store.withLock { $0.streamStates } }
    /// The committed rows of `stream`.
    public func committed(_ stream: String) -> [JSONObject] { store.withLock { $0.streams[stream]?.committed ?? [] } }

    /// Makes the next `method` request (`data/open`, `data/write`, `data/checkpoint`) fail with `code`.
    public func failNext(_ method: String, with code: DataErrorCode, message: String = "injected by the test") {
        store.withLock { $0.failures[method, default: []].append(DataError(method: method, code, message)) }
    }

    /// The `data` params of the next `runner/run`.
    func runParams(destination: RunnerDataParams.Destination) -> RunnerDataParams {
        try? FileManager.default.createDirectory(atPath: spoolDirectory, withIntermediateDirectories: true)
        return store.withLock { state in
            RunnerDataParams(
                spoolDirectory: spoolDirectory, state: state.state, streams: state.streamStates, loadID: loadID,
                destination: destination)
        }
    }

    /// Removes the spool folder and what is left in it.
    func removeSpool() {
        try? FileManager.default.removeItem(atPath: spoolDirectory)
    }

    /// A `runner/run` started.
    func runStarted() {
        store.withLock { state in
            state.running += 1
            state.openedThisRun = []
        }
    }

    /// A `runner/run` ended: commit the tail when it succeeded, discard it otherwise.
    func runEnded(succeeded: Bool) {
        store.withLock { state in
            state.running -= 1
            if succeeded { Self.commit(&state) }
            for name in state.streams.keys { state.streams[name]?.pending = [] }
        }
    }

    /// The answer to a `data/*` request.
    func answer(_ method: String, _ params: JSONValue, negotiated: Bool) -> Result<JSONValue, RPCError> {
        guard negotiated else { return .failure(RPCError(methodNotFound: method)) }
        return store.withLock { state -> Result<JSONValue, RPCError> in
            guard state.running > 0 else {
                return .failure(DataErrorCode.noRun.error("\(method) outside a runner/run call"))
            }
            if var queued = state.failures[method], !queued.isEmpty {
                let failure = queued.removeFirst()
                state.failures[method] = queued
                return .failure(
                    HandlerFailure(category: failure.category, code: failure.code, retryable: failure.retryable)
                        .error(failure.message))
            }
            do throws(RPCError) {
                switch method {
                case ProtocolMethod.dataOpen: return .success(try Self.open(params, &state))
                case ProtocolMethod.dataWrite: return .success(try Self.write(params, &state))
                case ProtocolMethod.dataCheckpoint: return .success(try Self.checkpoint(params, &state))
                default: return .failure(RPCError(methodNotFound: method))
                }
            } catch {
                return .failure(error)
            }
        }
    }

    private static func open(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let params = try parse { () throws(ProtocolViolation) in try DataOpenParams(json: json) }
        guard !state.openedThisRun.contains(params.stream) else {
            throw DataErrorCode.streamAlreadyOpen.error("stream \"\(params.stream)\" is already open")
        }
        state.openedThisRun.insert(params.stream)
        let previous = state.streams[params.stream]
        state.streams[params.stream] = Stream(open: params, committed: previous?.committed ?? [])
        let table = params.table ?? params.stream
        return DataOpenResult(stream: params.stream, table: table, state: state.streamStates[params.stream] ?? .null)
            .json
    }

    private static func write(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let params = try parse { () throws(ProtocolViolation) in try DataWriteParams(json: json) }
        guard state.openedThisRun.contains(params.stream) else {
            throw DataErrorCode.streamNotOpen.error("stream \"\(params.stream)\" was not opened")
        }
        state.writes.append(params)
        var rows: [JSONObject] = []
        switch params.batch {
        case .rows(let columns, let values):
            for (index, row) in values.enumerated() {
                guard row.count == columns.count else {
                    throw DataErrorCode.badRows.error(
                        "stream \"\(params.stream)\": row \(index) has \(row.count) values for \(columns.count) columns"
                    )
                }
                var object = JSONObject()
                for (name, value) in zip(columns, row) { object[name] = value }
                rows.append(object)
            }
        case .file(let path, let format):
            rows = try readFile(path, format: format, stream: params.stream)
        }
        state.streams[params.stream]?.pending.append(contentsOf: rows)
        return DataWriteResult(rows: rows.count).json
    }

    private static func checkpoint(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let params = try parse { () throws(ProtocolViolation) in try DataCheckpointParams(json: json) }
        state.checkpoints.append(params)
        let counts = state.streams.mapValues(\.pending.count).filter { $0.value > 0 }
        commit(&state)
        if let new = params.state { state.state = new }
        for (name, value) in params.streams ?? JSONObject() { state.streamStates[name] = value }
        state.checkpointNumber += 1
        return DataCheckpointResult(loadID: "test", checkpoint: state.checkpointNumber, rows: counts).json
    }

    private static func commit(_ state: inout State) {
        for name in state.streams.keys {
            guard let pending = state.streams[name]?.pending else { continue }
            state.streams[name]?.committed.append(contentsOf: pending)
            state.streams[name]?.pending = []
        }
    }

    /// Reads an `ndjson` file by reference; `csv` is left to the real host.
    private static func readFile(_ path: String, format: DataFileFormat, stream: String) throws(RPCError)
        -> [JSONObject]
    {
        guard format == .ndjson else {
            throw DataErrorCode.badRows.error("stream \"\(stream)\": the test host reads ndjson files only")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataErrorCode.fileOutsideSpool.error("stream \"\(stream)\": cannot read \(path)")
        }
        var rows: [JSONObject] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            guard let object = (try? JSONParser.parse(String(line)))?.objectValue else {
                throw DataErrorCode.badRows.error(
                    "stream \"\(stream)\": \(path) line \(number + 1) is not a JSON object")
            }
            rows.append(object)
        }
        try? FileManager.default.removeItem(atPath: path)
        return rows
    }

    private static func parse<T>(_ body: () throws(ProtocolViolation) -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch {
            throw RPCError(invalidParams: error)
        }
    }
}
