import DltafJSON
import DltafLoad
import DltafProtocol
import Foundation
import Synchronization

/// The rows of one run (PROTOCOL.md §8): the load session, the spool folder, and the runner's `data/*` requests.
///
/// Requests are served on the runner connection's reader thread (`LoadSession` blocks on destination I/O; the
/// plugin's next message is read only after the answer, which is the pipe's backpressure). The first error of
/// any request fails the run, whatever the runner reports afterwards: dltaf never reports rows as loaded that
/// it did not commit.
final class LoadPlane: Sendable {
    /// What `runner/run` tells the runner in `data`.
    let parameters: RunnerDataParams
    /// The spool folder (mode 0700), removed with everything in it when the run ends.
    let spoolDirectory: String
    /// Where the rows go (the run's audit goes there too).
    let destination: DestinationConfiguration
    /// The run's write disposition, for streams that do not name one.
    let writeDisposition: String
    let session: LoadSession
    let progress: LoadProgress
    private let failure = Mutex<RunError?>(nil)
    private let serving = Mutex(true)

    private init(
        session: LoadSession, destination: DestinationConfiguration, writeDisposition: String,
        parameters: RunnerDataParams, spoolDirectory: String, progress: LoadProgress
    ) {
        self.session = session
        self.destination = destination
        self.writeDisposition = writeDisposition
        self.parameters = parameters
        self.spoolDirectory = spoolDirectory
        self.progress = progress
    }

    /// Connects to the destination, reads the committed state and creates the spool folder.
    ///
    /// - Throws: `destination_failed` (CONNECTIVITY, retryable) when the destination cannot be opened.
    static func open(
        destination: DestinationConfiguration, pipeline: String, dataset: String, runID: String,
        writeDisposition: String, schemaContract: String?, console: Console
    ) throws(RunError) -> LoadPlane {
        let spool = NSTemporaryDirectory() + "dltaf-spool-\(runID)"
        do {
            try FileManager.default.createDirectory(
                atPath: spool, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RunError(
                .dependency, code: "spool_failed", message: "cannot create the spool folder \(spool): \(error)",
                exitCode: .runFailed)
        }
        do throws(LoadError) {
            let session = try LoadSession(
                destination: destination, pipeline: pipeline, loadID: runID,
                writeDisposition: WriteDisposition(rawValue: writeDisposition) ?? .replace,
                schemaContract: schemaContract.flatMap(SchemaContract.init(rawValue:)) ?? .evolve,
                spoolDirectory: spool)
            // A replace reloads everything into a fresh staging table, so its runner starts from no state: resuming
            // from a cursor would swap in a table without the rows before it.
            let replacing = writeDisposition == WriteDisposition.replace.rawValue
            let committed = replacing ? CommittedState(pipeline: nil, streams: [:]) : try session.committedState()
            let parameters = RunnerDataParams(
                spoolDirectory: spool, state: committed.pipeline ?? .null,
                streams: JSONObject(committed.streams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                loadID: runID, destination: .init(name: destination.name, dataset: dataset))
            return LoadPlane(
                session: session, destination: destination, writeDisposition: writeDisposition, parameters: parameters,
                spoolDirectory: spool,
                progress: LoadProgress(console: console))
        } catch {
            try? FileManager.default.removeItem(atPath: spool)
            throw RunError(error, stage: "opening the destination")
        }
    }

    /// The first request that failed, as the run's error.
    var error: RunError? { failure.withLock { $0 } }

    /// Stops serving: requests after the runner's answer get `no_run`.
    func stopServing() { serving.withLock { $0 = false } }

    /// Answers one `data/*` request.
    func handle(_ method: String, _ params: JSONValue) -> Result<JSONValue, RPCError> {
        guard serving.withLock({ $0 }) else {
            return .failure(
                DataErrorCode.noRun.error("\(method) after the runner answered runner/run: nothing is loaded"))
        }
        if let earlier = error {
            // The first failure's code again: the run is failing for that reason.
            let code = DataErrorCode(rawValue: earlier.code) ?? .badRows
            return .failure(
                code.error("an earlier data request failed (\(earlier.message)); nothing more is loaded in this run"))
        }
        do throws(LoadError) {
            switch method {
            case ProtocolMethod.dataOpen: return .success(try open(params))
            case ProtocolMethod.dataWrite: return .success(try write(params))
            case ProtocolMethod.dataCheckpoint: return .success(try checkpoint(params))
            default:
                return .failure(RPCError(code: RPCErrorCode.methodNotFound, message: "method not found: \(method)"))
            }
        } catch {
            let runError = RunError(error, stage: method)
            failure.withLock { if $0 == nil { $0 = runError } }
            let code = DataErrorCode(rawValue: error.code.rawValue) ?? .badRows
            return .failure(code.error(error.message))
        }
    }

    private func open(_ params: JSONValue) throws(LoadError) -> JSONValue {
        let request = try Self.read { () throws(ProtocolViolation) in try DataOpenParams(json: params) }
        var columns: [ColumnDeclaration] = []
        for column in request.columns ?? [] {
            guard let type = DataType(name: column.type.rawValue, precision: column.precision, scale: column.scale)
            else {
                throw LoadError(.badRows, "stream \(request.stream): column \(column.name) has no valid type")
            }
            columns.append(ColumnDeclaration(name: column.name, type: type, nullable: column.nullable ?? true))
        }
        let opened = try session.open(
            StreamDeclaration(
                stream: request.stream, table: request.table, columns: columns, primaryKey: request.primaryKey ?? [],
                writeDisposition: request.writeDisposition
            ))
        // As for the run: a stream that replaces its table starts from no state.
        let replacing = (request.writeDisposition?.rawValue ?? writeDisposition) == "replace"
        return DataOpenResult(
            stream: opened.stream, table: opened.table, state: replacing ? .null : opened.state ?? .null
        ).json
    }

    private func write(_ params: JSONValue) throws(LoadError) -> JSONValue {
        let request = try Self.read { () throws(ProtocolViolation) in try DataWriteParams(json: params) }
        let rows: Int
        switch request.batch {
        case .rows(let columns, let values):
            rows = try session.write(stream: request.stream, columns: columns, rows: values)
        case .file(let path, let format):
            defer { if path.hasPrefix(spoolDirectory + "/") { try? FileManager.default.removeItem(atPath: path) } }
            rows = try session.writeFile(
                stream: request.stream, path: path, format: format == .csv ? .csv : .ndjson)
        }
        progress.add(rows, to: request.stream)
        return DataWriteResult(rows: rows).json
    }

    private func checkpoint(_ params: JSONValue) throws(LoadError) -> JSONValue {
        let request = try Self.read { () throws(ProtocolViolation) in try DataCheckpointParams(json: params) }
        var streams: [String: JSONValue] = [:]
        for (name, value) in request.streams ?? JSONObject() { streams[name] = value }
        let committed = try session.checkpoint(state: request.state, streams: streams)
        return DataCheckpointResult(loadID: committed.loadID, checkpoint: committed.checkpoint, rows: committed.rows)
            .json
    }

    /// The run succeeded: commits the tail, swaps in `replace` tables; the spool folder goes.
    func finish() -> Result<LoadSummary, RunError> {
        defer { cleanUp() }
        do throws(LoadError) {
            let summary = try session.finish()
            progress.finish(summary)
            return .success(summary)
        } catch {
            progress.clear()
            return .failure(RunError(error, stage: "the final commit"))
        }
    }

    /// The run failed: everything after the last checkpoint is rolled back; the spool folder goes.
    func abort() {
        progress.clear()
        session.abort()
        cleanUp()
    }

    private func cleanUp() { try? FileManager.default.removeItem(atPath: spoolDirectory) }

    /// Reads typed params; malformed ones are `bad_rows`, naming what was wrong.
    private static func read<T>(_ body: () throws(ProtocolViolation) -> T) throws(LoadError) -> T {
        do {
            return try body()
        } catch {
            throw LoadError(.badRows, error.reason)
        }
    }
}

extension RunError {
    /// A loader error as the run's error: destination failures are retryable connectivity errors, the rest data
    /// errors; both fail the run (exit 1).
    init(_ error: LoadError, stage: String) {
        self.init(
            error.code == .destinationFailed ? .connectivity : .data, code: error.code.rawValue,
            message: "\(stage): \(error.message)", exitCode: .runFailed)
    }
}
