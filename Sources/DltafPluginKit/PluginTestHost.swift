public import DltafJSON
public import DltafProtocol
import Synchronization

/// Drives a `Plugin` in memory, without a process, for plugin authors' unit tests.
///
/// ```swift
/// let host = PluginTestHost(plugin)
/// let info = try await host.initialize()
/// let params = RunnerRunParams(kind: "hello_csv", manifest: manifest, context: context)
/// let outcome = try await host.call(ProtocolMethod.runnerRun, params.json)
/// ```
/// Messages go through the same server as `serve()`, encoded and decoded as lines, so what passes here passes
/// on the wire. When the plugin takes up `data.v1`, `data` answers its `data/*` requests in memory.
public final class PluginTestHost: Sendable {
    private typealias Waiter = CheckedContinuation<Result<JSONValue, RPCError>, Never>

    private let input: AsyncStream<StdinLines.Item>.Continuation
    private let serving: Task<Void, Never>
    private let inbox = Inbox()
    /// The in-memory destination answering the plugin's `data/*` requests.
    public let data = TestDataHost()

    /// Pending calls and notifications, shared with the output closure.
    private final class Inbox: Sendable {
        struct State {
            var nextID = 1
            var waiters: [Int: Waiter] = [:]
            var notifications: [RPCMessage] = []
            var dataNegotiated = false
        }
        let state = Mutex(State())
    }

    /// Starts serving `plugin` in memory.
    public init(_ plugin: Plugin) {
        let (lines, input) = AsyncStream<StdinLines.Item>.makeStream()
        self.input = input
        let inbox = self.inbox
        let data = self.data
        let output = OutputChannel { message in
            // Through the wire format, so that encoding problems show up in tests too.
            let decoded = (try? RPCMessage.decode(message.encodedLine().dropLast(1).map { $0 })) ?? message
            let waiter: (Waiter, Result<JSONValue, RPCError>)? = inbox.state.withLock { state in
                switch decoded {
                case .response(let id, let result):
                    return state.waiters.removeValue(forKey: id).map { ($0, .success(result)) }
                case .errorResponse(let id?, let error):
                    return state.waiters.removeValue(forKey: id).map { ($0, .failure(error)) }
                case .request(let id, let method, let params):
                    let answer = data.answer(method, params, negotiated: state.dataNegotiated)
                    let reply: RPCMessage
                    switch answer {
                    case .success(let result): reply = .response(id: id, result: result)
                    case .failure(let error): reply = .errorResponse(id: id, error: error)
                    }
                    input.yield(.line(reply.encodedLine().dropLast(1).map { $0 }))
                    return nil
                default:
                    state.notifications.append(decoded)
                    return nil
                }
            }
            if let (continuation, result) = waiter { continuation.resume(returning: result) }
        }
        let server = PluginServer(plugin: plugin, output: output)
        serving = Task { await server.run(lines: lines) }
    }

    /// The handshake, as dltaf performs it, offering `features` (`data.v1` by default).
    public func initialize(
        protocolVersions: [Int] = DltafProtocol.supportedVersions, features: [String] = ProtocolFeature.offered
    ) async throws(RPCError) -> InitializeResult {
        var params = InitializeParams(hostVersion: "test", spec: "test", runID: "test")
        params.protocolVersions = protocolVersions
        params.features = features
        let answer = try await call(ProtocolMethod.initialize, params.json)
        let result: InitializeResult
        do {
            result = try InitializeResult(json: answer)
        } catch {
            throw RPCError(code: RPCErrorCode.internalError, message: error.reason)
        }
        let negotiated = features.contains(ProtocolFeature.data) && result.features.contains(ProtocolFeature.data)
        inbox.state.withLock { $0.dataNegotiated = negotiated }
        return result
    }

    /// Whether the handshake negotiated `data.v1`.
    public var dataNegotiated: Bool { inbox.state.withLock { $0.dataNegotiated } }

    /// Calls `runner/run`, adding the `data` params (with the state `data` committed so far) when `data.v1` was
    /// negotiated.
    public func run(
        kind: String, manifest: JSONValue, context: CallContext, env: [String: String] = [:]
    ) async throws(RPCError) -> RunOutcome {
        var params = RunnerRunParams(kind: kind, manifest: manifest, context: context, env: env)
        if dataNegotiated {
            let pipeline = context.pipeline
            params.data = data.runParams(
                destination: .init(name: pipeline.destination ?? "test", dataset: pipeline.dataset ?? "test"))
        }
        let answer = try await call(ProtocolMethod.runnerRun, params.json)
        do {
            return try RunOutcome(json: answer)
        } catch {
            throw RPCError(code: RPCErrorCode.internalError, message: error.reason)
        }
    }

    /// Sends a request and returns its result, or throws the plugin's error answer.
    public func call(_ method: String, _ params: JSONValue) async throws(RPCError) -> JSONValue {
        let id = inbox.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let running = method == ProtocolMethod.runnerRun
        if running { data.runStarted() }
        let result = await withCheckedContinuation { (waiter: Waiter) in
            inbox.state.withLock { $0.waiters[id] = waiter }
            input.yield(
                .line(RPCMessage.request(id: id, method: method, params: params).encodedLine().dropLast(1).map { $0 }))
        }
        if running {
            let status = (try? result.get())?["status"]?.stringValue
            data.runEnded(succeeded: status == "success" || status == "partial_success")
        }
        return try result.get()
    }

    /// Sends a notification (for example `cancel` with the id of a pending call).
    public func notify(_ method: String, _ params: JSONValue) {
        input.yield(.line(RPCMessage.notification(method: method, params: params).encodedLine().dropLast(1).map { $0 }))
    }

    /// The id the next `call` will use (to cancel it from another task).
    public var nextRequestID: Int { inbox.state.withLock { $0.nextID } }

    /// Every notification the plugin sent so far (`log`, `progress`, `state`, `heartbeat`); its `data/*`
    /// requests are answered by `data` instead.
    public var notifications: [RPCMessage] { inbox.state.withLock { $0.notifications } }

    /// Closes the plugin's input, as dltaf does at the end of a run, waits for the server to stop and removes the
    /// spool folder.
    public func close() async {
        input.finish()
        await serving.value
        data.removeSpool()
    }
}
