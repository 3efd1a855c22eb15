import DltafJSON
import DltafProtocol
import Foundation
import Synchronization

/// The host side of `data.v1` for the data scenarios: answers one `runner/run`'s `data/*` requests in memory,
/// the way dltaf does (PROTOCOL.md §8), checks each against the typed models, and notes every request that breaks
/// the protocol, by name. A broken request is answered with the error dltaf would send, so the runner can end.
final class KitDataHost: Sendable {
    /// What one `runner/run` sent, as the host saw it.
    struct Tally: Sendable {
        /// Every `data/*` request, in order.
        var requests = 0
        /// The streams opened, in order.
        var opened: [String] = []
        /// `data/write` requests.
        var writes = 0
        /// Rows the writes the host accepted carried.
        var rows = 0
        /// `data/checkpoint` requests answered.
        var checkpoints = 0
        /// The pipeline state committed by the last checkpoint (what the next run gets in `data.state`).
        var state: JSONValue = .null
        /// Each stream's committed state (what the next run gets in `data.streams`).
        var streams = JSONObject()
        /// Requests that broke the protocol, each naming the request.
        var problems: [String] = []
        /// Errors the kit answered on purpose.
        var injected = 0
    }

    private struct State {
        var tally: Tally
        /// The streams opened in this run.
        var open: Set<String> = []
        /// The ids of the plugin's requests so far in this run.
        var ids: Set<Int> = []
        /// Rows written since the last checkpoint, per stream.
        var pending: [String: Int] = [:]
        var failNextWrite: Bool
    }

    private let store: Mutex<State>
    /// The `data` member of the `runner/run` this host serves.
    let params: RunnerDataParams

    /// A host for one run whose spool folder is `spoolDirectory` (created here, mode 0700), starting from the state
    /// `previous` committed (nil: a first run); `failFirstWrite` answers the first `data/write` with
    /// `destination_failed`.
    init(spoolDirectory: String, previous: Tally? = nil, failFirstWrite: Bool = false) {
        try? FileManager.default.createDirectory(
            atPath: spoolDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var tally = Tally()
        tally.state = previous?.state ?? .null
        tally.streams = previous?.streams ?? JSONObject()
        store = Mutex(State(tally: tally, failNextWrite: failFirstWrite))
        params = RunnerDataParams(
            spoolDirectory: spoolDirectory, state: tally.state, streams: tally.streams, loadID: KitSession.runID,
            destination: RunnerDataParams.Destination(name: "test", dataset: "raw"))
    }

    /// What was seen so far.
    var tally: Tally { store.withLock { $0.tally } }

    /// Removes the spool folder and whatever the runner left in it.
    func removeSpool() {
        try? FileManager.default.removeItem(atPath: params.spoolDirectory)
    }

    /// The answer to the plugin's request `id`.
    func answer(id: Int, method: String, params json: JSONValue) -> Result<JSONValue, RPCError> {
        store.withLock { state -> Result<JSONValue, RPCError> in
            state.tally.requests += 1
            let label = "\(method) (request \(state.tally.requests), id \(id))"
            if !state.ids.insert(id).inserted {
                state.tally.problems.append("\(label): id \(id) was already used in this runner/run")
            }
            do throws(RPCError) {
                switch method {
                case ProtocolMethod.dataOpen: return .success(try open(json, &state))
                case ProtocolMethod.dataWrite: return .success(try write(json, &state))
                case ProtocolMethod.dataCheckpoint: return .success(try checkpoint(json, &state))
                default: throw RPCError(methodNotFound: method)
                }
            } catch {
                // Only the injected failure is destination_failed; it is the kit's doing, not the runner's.
                if DataErrorCode(error: error) == .destinationFailed { return .failure(error) }
                state.tally.problems.append("\(label): \(error.message)")
                return .failure(error)
            }
        }
    }

    private func open(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let request = try Self.parse { () throws(ProtocolViolation) in try DataOpenParams(json: json) }
        guard state.open.insert(request.stream).inserted else {
            throw DataErrorCode.streamAlreadyOpen.error("stream \"\(request.stream)\" is already open")
        }
        state.tally.opened.append(request.stream)
        return DataOpenResult(
            stream: request.stream, table: request.table ?? request.stream,
            state: state.tally.streams[request.stream] ?? .null
        ).json
    }

    private func write(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let request = try Self.parse { () throws(ProtocolViolation) in try DataWriteParams(json: json) }
        state.tally.writes += 1
        if state.failNextWrite {
            state.failNextWrite = false
            state.tally.injected += 1
            throw DataErrorCode.destinationFailed.error(
                "stream \"\(request.stream)\": the destination refused the write (injected by the conformance kit)")
        }
        guard state.open.contains(request.stream) else {
            throw DataErrorCode.streamNotOpen.error("stream \"\(request.stream)\" was not opened with data/open")
        }
        let rows: Int
        switch request.batch {
        case .rows(let columns, let values):
            if let index = values.firstIndex(where: { $0.count != columns.count }) {
                throw DataErrorCode.badRows.error(
                    "stream \"\(request.stream)\": row \(index) has \(values[index].count) values for "
                        + "\(columns.count) columns")
            }
            rows = values.count
        case .file(let path, let format):
            rows = try SpoolFile(path: path, spoolDirectory: params.spoolDirectory, stream: request.stream)
                .rows(format)
        }
        state.tally.rows += rows
        state.pending[request.stream, default: 0] += rows
        return DataWriteResult(rows: rows).json
    }

    private func checkpoint(_ json: JSONValue, _ state: inout State) throws(RPCError) -> JSONValue {
        let request = try Self.parse { () throws(ProtocolViolation) in try DataCheckpointParams(json: json) }
        if let new = request.state { state.tally.state = new }
        for (stream, value) in request.streams ?? JSONObject() { state.tally.streams[stream] = value }
        state.tally.checkpoints += 1
        defer { state.pending = [:] }
        return DataCheckpointResult(
            loadID: KitSession.runID, checkpoint: state.tally.checkpoints, rows: state.pending.filter { $0.value > 0 }
        ).json
    }

    private static func parse<T>(_ body: () throws(ProtocolViolation) -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch {
            throw RPCError(invalidParams: error)
        }
    }
}
