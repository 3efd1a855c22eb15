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
/// on the wire.
public final class PluginTestHost: Sendable {
    private typealias Waiter = CheckedContinuation<Result<JSONValue, RPCError>, Never>

    private let input: AsyncStream<StdinLines.Item>.Continuation
    private let serving: Task<Void, Never>
    private let inbox = Inbox()

    /// Pending calls and notifications, shared with the output closure.
    private final class Inbox: Sendable {
        let state = Mutex<(nextID: Int, waiters: [Int: Waiter], notifications: [RPCMessage])>((1, [:], []))
    }

    /// Starts serving `plugin` in memory.
    public init(_ plugin: Plugin) {
        let (lines, input) = AsyncStream<StdinLines.Item>.makeStream()
        self.input = input
        let inbox = self.inbox
        let output = OutputChannel { message in
            // Through the wire format, so that encoding problems show up in tests too.
            let decoded = (try? RPCMessage.decode(message.encodedLine().dropLast(1).map { $0 })) ?? message
            let waiter: (Waiter, Result<JSONValue, RPCError>)? = inbox.state.withLock { state in
                switch decoded {
                case .response(let id, let result):
                    return state.waiters.removeValue(forKey: id).map { ($0, .success(result)) }
                case .errorResponse(let id?, let error):
                    return state.waiters.removeValue(forKey: id).map { ($0, .failure(error)) }
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

    /// The handshake, as dltaf performs it.
    public func initialize(protocolVersions: [Int] = DltafProtocol.supportedVersions) async throws(RPCError)
        -> InitializeResult
    {
        var params = InitializeParams(hostVersion: "test", spec: "test", runID: "test")
        params.protocolVersions = protocolVersions
        let answer = try await call(ProtocolMethod.initialize, params.json)
        do {
            return try InitializeResult(json: answer)
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
        let result = await withCheckedContinuation { (waiter: Waiter) in
            inbox.state.withLock { $0.waiters[id] = waiter }
            input.yield(
                .line(RPCMessage.request(id: id, method: method, params: params).encodedLine().dropLast(1).map { $0 }))
        }
        return try result.get()
    }

    /// Sends a notification (for example `cancel` with the id of a pending call).
    public func notify(_ method: String, _ params: JSONValue) {
        input.yield(.line(RPCMessage.notification(method: method, params: params).encodedLine().dropLast(1).map { $0 }))
    }

    /// The id the next `call` will use (to cancel it from another task).
    public var nextRequestID: Int { inbox.state.withLock { $0.nextID } }

    /// Every notification the plugin sent so far (`log`, `progress`, `state`, `heartbeat`).
    public var notifications: [RPCMessage] { inbox.state.withLock { $0.notifications } }

    /// Closes the plugin's input, as dltaf does at the end of a run, and waits for the server to stop.
    public func close() async {
        input.finish()
        await serving.value
    }
}
