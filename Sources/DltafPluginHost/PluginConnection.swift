public import DltafJSON
public import DltafProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One plugin process and the JSON-RPC session with it.
///
/// A connection serves every call of a run: start it once, call it as often as needed, then shut it down.
/// Lines from the plugin are decoded on the reader thread; responses resume the waiting call and
/// notifications go to the `events` closure in the order the plugin wrote them. A watchdog enforces the
/// call deadlines (`ConnectionLimits`) and notices a plugin that died while something still holds its pipes.
public final class PluginConnection: Sendable {
    /// What was resolved for this plugin.
    public let plugin: ResolvedPlugin
    /// The spec, as shown in messages.
    public let name: String

    typealias Waiter = CheckedContinuation<Result<JSONValue, PluginFailure>, Never>

    /// A call waiting for its response.
    struct PendingCall {
        var method: String
        var waiter: Waiter
        var started: ContinuousClock.Instant
        /// This call's own limit (nil: only the idle and absolute limits apply).
        var timeout: Duration?
    }

    struct State {
        var child: (any ChildProcess)?
        var nextID = 1
        var pending: [Int: PendingCall] = [:]
        var answered: Set<Int> = []
        var handshakeDone = false
        var stdoutClosed = false
        var stderrClosed = false
        var exit: ProcessExit?
        var stderrTail: StderrTail
        var noiseBeforeHandshake: [String] = []
        /// When the plugin last wrote a protocol message.
        var lastMessage = ContinuousClock.now
        /// Set after a timeout, a cancel or a protocol violation: the plugin is stopped without courtesy.
        var unhealthy = false
        /// Whether the watchdog saw the plugin exited (a zombie) before Foundation reported it: a process it
        /// started holds its pipes. Said once.
        var strayReported = false
        var watchdog: Task<Void, Never>?
        /// Answers the plugin's own requests (`data/*`); nil answers every one with "method not found".
        var requestHandler: IdentifiedRequestHandler?
    }

    /// Answers one request the plugin sent: a result, or a JSON-RPC error. Called on the reader thread, so the
    /// plugin's next message is read only after it returns: that is the pipe's backpressure.
    public typealias RequestHandler = @Sendable (_ method: String, _ params: JSONValue) -> Result<JSONValue, RPCError>

    /// A `RequestHandler` that also gets the request's id (the plugin's own id space), for checks of the ids
    /// themselves (the conformance kit).
    public typealias IdentifiedRequestHandler =
        @Sendable (_ id: Int, _ method: String, _ params: JSONValue) -> Result<JSONValue, RPCError>

    let state: Mutex<State>
    let stdoutSplitter: Mutex<LineSplitter>
    let stderrSplitter: Mutex<LineSplitter>
    let launcher: any ProcessLauncher
    let limits: ConnectionLimits
    let events: @Sendable (PluginEvent) -> Void

    /// Creates a connection; nothing starts until `start`.
    public init(
        plugin: ResolvedPlugin, launcher: any ProcessLauncher, limits: ConnectionLimits = ConnectionLimits(),
        events: @escaping @Sendable (PluginEvent) -> Void
    ) {
        self.plugin = plugin
        self.name = plugin.spec.description
        self.launcher = launcher
        self.limits = limits
        self.events = events
        self.state = Mutex(State(stderrTail: StderrTail(capacity: limits.stderrTailBytes)))
        self.stdoutSplitter = Mutex(LineSplitter(maxLineBytes: limits.maxLineBytes))
        self.stderrSplitter = Mutex(LineSplitter(maxLineBytes: 64 << 10))
    }

    /// Serves the plugin's requests with `handler` from now on (nil: none are served).
    public func serveRequests(_ handler: RequestHandler?) {
        guard let handler else {
            serveRequests(identified: nil)
            return
        }
        serveRequests(identified: { @Sendable _, method, params in handler(method, params) })
    }

    /// Serves the plugin's requests with `handler`, which also gets each request's id (nil: none are served).
    public func serveRequests(identified handler: IdentifiedRequestHandler?) {
        state.withLock { $0.requestHandler = handler }
    }

    /// The plugin's process id, once started.
    public var pid: Int32? { state.withLock { $0.child?.pid } }

    /// How the plugin ended, if it has.
    public var exitStatus: ProcessExit? { state.withLock { $0.exit } }

    /// The last lines the plugin wrote on stderr.
    public var stderrTail: String { state.withLock { $0.stderrTail.text } }

    /// Starts the process and performs the `initialize` handshake within `limits.startup`.
    ///
    /// - Returns: the plugin's answer, checked against the versions offered.
    public func start(launch: ProcessLaunch, params: InitializeParams) async throws(PluginFailure) -> InitializeResult {
        try self.launch(launch)
        return try await handshake(params)
    }

    /// Starts the process without talking to it (the conformance kit sends its own first messages).
    public func launch(_ launch: ProcessLaunch) throws(PluginFailure) {
        let callbacks = ProcessCallbacks(
            stdout: { [self] chunk in receiveStdout(chunk) },
            stdoutClosed: { [self] in stdoutDidClose() },
            stderr: { [self] chunk in receiveStderr(chunk) },
            stderrClosed: { [self] in
                flushStderr()
                state.withLock { $0.stderrClosed = true }
            },
            exited: { [self] exit in processDidExit(exit) })
        do {
            let child = try launcher.launch(launch, callbacks: callbacks)
            state.withLock { $0.child = child }
        } catch {
            throw failure(ProtocolMethod.initialize, .launchFailed(error.description))
        }
        startWatchdog()
    }

    /// Performs the `initialize` handshake within `limits.startup` on a launched process.
    ///
    /// - Returns: the plugin's answer, checked against the versions offered.
    public func handshake(_ params: InitializeParams) async throws(PluginFailure) -> InitializeResult {
        let answer: JSONValue
        do {
            answer = try await call(ProtocolMethod.initialize, params: params.json, timeout: limits.startup)
        } catch {
            var error = error
            let noise = state.withLock { $0.noiseBeforeHandshake }
            if let first = noise.first {
                error.reason = .protocolViolation(
                    "it wrote non-protocol output before answering initialize (\(noise.count) line(s)); "
                        + "first: \"\(first)\". stdout is reserved for protocol messages: log to stderr. "
                        + "Underlying problem: \(error.summary)")
            }
            throw error
        }
        let result: InitializeResult
        do {
            result = try InitializeResult(json: answer)
        } catch {
            throw failure(ProtocolMethod.initialize, .protocolViolation(error.reason))
        }
        guard params.protocolVersions.contains(result.protocolVersion) else {
            throw failure(
                ProtocolMethod.initialize,
                .protocolViolation(
                    "it chose protocol version \(result.protocolVersion), but dltaf offered "
                        + "\(params.protocolVersions.map(String.init).joined(separator: ", "))"))
        }
        state.withLock { $0.handshakeDone = true }
        return result
    }

    /// Sends a request and waits for its terminal response.
    ///
    /// Besides `timeout`, the connection's idle and absolute limits apply to every call.
    /// - Parameters:
    ///   - timeout: this call's own limit; nil leaves only the idle and absolute limits.
    /// - Returns: the `result` of the response.
    /// - Throws: `PluginFailure` for an error response, a timeout, a cancel, or a plugin that ended without
    ///   answering.
    public func call(_ method: String, params: JSONValue, timeout: Duration? = nil) async throws(PluginFailure)
        -> JSONValue
    {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let registration = state.withLock { state -> Result<(Int, any ChildProcess), Refusal> in
                guard let child = state.child else {
                    return .failure(Refusal(reason: .launchFailed("was not started")))
                }
                if state.stdoutClosed || state.exit != nil {
                    // Answered below, once the exit status and the last stderr lines are in.
                    return .failure(Refusal(reason: .exitedWithoutResult(nil)))
                }
                if state.unhealthy { return .failure(Refusal(reason: .cancelled)) }
                let id = state.nextID
                state.nextID += 1
                state.pending[id] = PendingCall(method: method, waiter: waiter, started: .now, timeout: timeout)
                return .success((id, child))
            }
            switch registration {
            case .failure(let refusal):
                if case .exitedWithoutResult = refusal.reason {
                    Task { [self] in
                        let reason = await endOfPluginReason()
                        waiter.resume(returning: .failure(failure(method, reason)))
                    }
                } else {
                    waiter.resume(returning: .failure(failure(method, refusal.reason)))
                }
            case .success(let (id, child)):
                do {
                    try child.write(RPCMessage.request(id: id, method: method, params: params).encodedLine())
                } catch {
                    complete(id, with: .failure(failure(method, .stdinClosed)))
                }
            }
        }
        return try result.get()
    }

    private struct Refusal: Error {
        var reason: PluginFailure.Reason
    }

    /// Sends a notification (for example `cancel`); errors are ignored because the plugin may be gone.
    public func notify(_ method: String, params: JSONValue) {
        let child = state.withLock { $0.child }
        try? child?.write(RPCMessage.notification(method: method, params: params).encodedLine())
    }

    // MARK: - Completion

    /// Resumes the call `id` with `result`, unless it already completed.
    func complete(_ id: Int, with result: Result<JSONValue, PluginFailure>, fromPlugin: Bool = false) {
        let outcome = state.withLock { state -> (Waiter?, String?) in
            guard let entry = state.pending.removeValue(forKey: id) else {
                guard fromPlugin else { return (nil, nil) }
                let duplicate = state.answered.contains(id)
                return (nil, duplicate ? "a second response to request \(id)" : "a response to unknown id \(id)")
            }
            if fromPlugin { state.answered.insert(id) }
            return (entry.waiter, nil)
        }
        if let problem = outcome.1 {
            events(.log(level: .warning, message: "protocol: \(problem) (ignored)", fields: nil))
        }
        outcome.0?.resume(returning: result)
    }

    /// Fails every pending call with `reason`.
    func failAll(_ reason: PluginFailure.Reason) {
        let pending = state.withLock { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
        for (_, entry) in pending {
            entry.waiter.resume(returning: .failure(failure(entry.method, reason)))
        }
    }

    func failure(_ method: String, _ reason: PluginFailure.Reason) -> PluginFailure {
        PluginFailure(plugin: name, method: method, reason: reason, stderrTail: state.withLock { $0.stderrTail.text })
    }
}
