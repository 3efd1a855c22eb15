public import DltafJSON
public import DltafProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Limits that keep a plugin session bounded.
public struct ConnectionLimits: Sendable, Equatable {
    /// Time from spawn to the `initialize` answer.
    public var startup: Duration
    /// Time allowed for `shutdown`, and each later step of stopping a plugin.
    public var shutdownGrace: Duration
    /// The longest stdout line accepted.
    public var maxLineBytes: Int
    /// How much of stderr is kept for failure reports.
    public var stderrTailBytes: Int

    /// Creates limits; the defaults suit most plugins.
    public init(
        startup: Duration = .seconds(15), shutdownGrace: Duration = .seconds(2),
        maxLineBytes: Int = DltafProtocol.defaultMaxLineBytes, stderrTailBytes: Int = 64 << 10
    ) {
        self.startup = startup
        self.shutdownGrace = shutdownGrace
        self.maxLineBytes = maxLineBytes
        self.stderrTailBytes = stderrTailBytes
    }
}

/// One plugin process and the JSON-RPC session with it.
///
/// A connection serves every call of a run: start it once, call it as often as needed, then shut it down.
/// Lines from the plugin are decoded on the reader thread; responses resume the waiting call and
/// notifications go to the `events` closure in the order the plugin wrote them.
public final class PluginConnection: Sendable {
    /// What was resolved for this plugin.
    public let plugin: ResolvedPlugin
    /// The spec, as shown in messages.
    public let name: String

    private typealias Waiter = CheckedContinuation<Result<JSONValue, PluginFailure>, Never>

    private enum Registration {
        case registered(Int, any ChildProcess)
        case refused(PluginFailure.Reason)
    }

    private struct State {
        var child: (any ChildProcess)?
        var nextID = 1
        var pending: [Int: (method: String, waiter: Waiter)] = [:]
        /// The timeout timer of each pending call, cancelled when the call completes.
        var timers: [Int: Task<Void, Never>] = [:]
        var answered: Set<Int> = []
        var handshakeDone = false
        var stdoutClosed = false
        var stderrClosed = false
        var exit: ProcessExit?
        var exitWaiters: [CheckedContinuation<ProcessExit?, Never>] = []
        var stderrTail: StderrTail
        var noiseBeforeHandshake: [String] = []
        var launchedAt: ContinuousClock.Instant?
    }

    private let state: Mutex<State>
    private let stdoutSplitter: Mutex<LineSplitter>
    private let stderrSplitter: Mutex<LineSplitter>
    private let launcher: any ProcessLauncher
    private let limits: ConnectionLimits
    private let events: @Sendable (PluginEvent) -> Void

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

    /// The plugin's process id, once started.
    public var pid: Int32? { state.withLock { $0.child?.pid } }

    /// How the plugin ended, if it has.
    public var exitStatus: ProcessExit? { state.withLock { $0.exit } }

    /// The last lines the plugin wrote on stderr.
    public var stderrTail: String { state.withLock { $0.stderrTail.text } }

    /// Starts the process and performs the `initialize` handshake.
    ///
    /// - Returns: the plugin's answer, checked against the versions offered.
    public func start(launch: ProcessLaunch, params: InitializeParams) async throws(PluginFailure) -> InitializeResult {
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
            state.withLock {
                $0.child = child
                $0.launchedAt = .now
            }
        } catch {
            throw failure(ProtocolMethod.initialize, .launchFailed(error.description))
        }
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
    /// - Parameters:
    ///   - timeout: the longest wait; nil waits until the plugin answers or exits.
    /// - Returns: the `result` of the response.
    /// - Throws: `PluginFailure` for an error response, a timeout, or a plugin that ended without answering.
    public func call(_ method: String, params: JSONValue, timeout: Duration? = nil) async throws(PluginFailure)
        -> JSONValue
    {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let registration = state.withLock { state -> Registration in
                guard let child = state.child else { return .refused(.launchFailed("was not started")) }
                if state.stdoutClosed || state.exit != nil { return .refused(.exitedWithoutResult(state.exit)) }
                let id = state.nextID
                state.nextID += 1
                state.pending[id] = (method, waiter)
                return .registered(id, child)
            }
            switch registration {
            case .refused(let reason):
                waiter.resume(returning: .failure(failure(method, reason)))
            case .registered(let id, let child):
                do {
                    try child.write(RPCMessage.request(id: id, method: method, params: params).encodedLine())
                } catch {
                    complete(id, with: .failure(failure(method, .stdinClosed)))
                    return
                }
                if let timeout {
                    let timer = Task { [self] in
                        do {
                            try await Task.sleep(for: timeout)
                        } catch {
                            return
                        }
                        let phase = method == ProtocolMethod.initialize ? "startup" : "call"
                        complete(id, with: .failure(failure(method, .timeout(limit: timeout, phase: phase))))
                    }
                    let stillPending = state.withLock { state in
                        guard state.pending[id] != nil else { return false }
                        state.timers[id] = timer
                        return true
                    }
                    if !stillPending { timer.cancel() }
                }
            }
        }
        return try result.get()
    }

    /// Sends a notification (for example `cancel`); errors are ignored because the plugin may be gone.
    public func notify(_ method: String, params: JSONValue) {
        let child = state.withLock { $0.child }
        try? child?.write(RPCMessage.notification(method: method, params: params).encodedLine())
    }

    /// Ends the session: `shutdown`, close stdin, then SIGTERM and SIGKILL to the process group if it lingers.
    ///
    /// Whatever happens, the plugin's whole process group is killed at the end, so no process it started
    /// outlives the run. Returns how the plugin ended, if known.
    @discardableResult
    public func shutdown() async -> ProcessExit? {
        guard let child = state.withLock({ $0.child }) else { return nil }
        if state.withLock({ $0.exit == nil && !$0.stdoutClosed }) {
            _ = try? await call(ProtocolMethod.shutdown, params: [:], timeout: limits.shutdownGrace)
        }
        child.closeStdin()
        var exit = await waitForExit(within: limits.shutdownGrace)
        if exit == nil {
            child.signalGroup(SIGTERM)
            exit = await waitForExit(within: limits.shutdownGrace)
        }
        child.signalGroup(SIGKILL)
        if exit == nil { exit = await waitForExit(within: .seconds(5)) }
        return exit
    }

    /// Kills the plugin's process group at once.
    public func kill() {
        state.withLock { $0.child }?.signalGroup(SIGKILL)
    }

    /// Waits until the process has ended, or the limit passes.
    public func waitForExit(within limit: Duration) async -> ProcessExit? {
        if let exit = state.withLock({ $0.exit }) { return exit }
        let timer = Task { [self] in
            try? await Task.sleep(for: limit)
            let waiters = state.withLock { state in
                defer { state.exitWaiters.removeAll() }
                return state.exitWaiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { waiter in
            let exit = state.withLock { state -> ProcessExit?? in
                if let exit = state.exit { return .some(exit) }
                state.exitWaiters.append(waiter)
                return .none
            }
            if let exit { waiter.resume(returning: exit) }
        }
    }

    // MARK: - Reader side (called on the backend's threads)

    private func receiveStdout(_ chunk: UnsafeBufferPointer<UInt8>) {
        stdoutSplitter.withLock { splitter in
            splitter.feed(chunk) { event in
                switch event {
                case .line(let line): handleLine(line)
                case .oversized(let prefix):
                    failAll(
                        .protocolViolation(
                            "it wrote a line longer than \(limits.maxLineBytes) bytes (starting \"\(preview(prefix))\")"
                        ))
                    kill()
                }
            }
        }
    }

    private func handleLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line.isEmpty { return }
        let message: RPCMessage
        do {
            message = try RPCMessage.decode(line)
        } catch {
            let prefix = preview(Array(line.prefix(120)))
            let before = state.withLock { state in
                if !state.handshakeDone, state.noiseBeforeHandshake.count < 5 {
                    state.noiseBeforeHandshake.append(prefix)
                }
                return !state.handshakeDone
            }
            events(.stdoutNoise(prefix: prefix, beforeHandshake: before))
            return
        }
        switch message {
        case .response(let id, let result):
            complete(id, with: .success(result), fromPlugin: true)
        case .errorResponse(let id, let error):
            guard let id else {
                events(.log(level: .warning, message: "protocol error from plugin: \(error.message)", fields: nil))
                return
            }
            let method = state.withLock { $0.pending[id]?.method } ?? "request \(id)"
            complete(id, with: .failure(failure(method, .rpcError(error))), fromPlugin: true)
        case .notification(let method, let params):
            dispatchNotification(method, params)
        case .request(let id, let method, _):
            // Protocol v1 defines no plugin-to-host requests.
            let child = state.withLock { $0.child }
            let answer = RPCMessage.errorResponse(
                id: id, error: RPCError(code: RPCErrorCode.methodNotFound, message: "method not found: \(method)"))
            try? child?.write(answer.encodedLine())
        }
    }

    private func dispatchNotification(_ method: String, _ params: JSONValue) {
        switch method {
        case ProtocolMethod.log:
            let level = params["level"]?.stringValue.flatMap { LogLevel(word: $0) } ?? .info
            let text = params["message"]?.stringValue ?? params.jsonText
            events(.log(level: level, message: text, fields: params["fields"]?.objectValue))
        case ProtocolMethod.progress: events(.progress(params))
        case ProtocolMethod.state: events(.state(params["state"] ?? .null))
        case ProtocolMethod.heartbeat: events(.heartbeat)
        default: events(.unknownNotification(method))
        }
    }

    private func receiveStderr(_ chunk: UnsafeBufferPointer<UInt8>) {
        stderrSplitter.withLock { splitter in
            splitter.feed(chunk) { event in
                switch event {
                case .line(let line): handleStderrLine(line)
                case .oversized(let prefix): prefix.withUnsafeBufferPointer { handleStderrLine($0) }
                }
            }
        }
    }

    private func flushStderr() {
        stderrSplitter.withLock { splitter in
            guard splitter.hasPartialLine else { return }
            splitter.partialLinePrefix.withUnsafeBufferPointer { handleStderrLine($0) }
            splitter = LineSplitter(maxLineBytes: splitter.maxLineBytes)
        }
    }

    private func handleStderrLine(_ line: UnsafeBufferPointer<UInt8>) {
        state.withLock { $0.stderrTail.append(line: line) }
        let text = String(decoding: line, as: UTF8.self)
        events(.stderr(line: text, level: Self.leadingLevel(text)))
    }

    /// The level word a stderr line starts with (`ERROR ...`, `[warn] ...`, `INFO: ...`), if any.
    static func leadingLevel(_ line: String) -> LogLevel? {
        let trimmed = line.drop { $0 == " " || $0 == "[" }
        let word = trimmed.prefix { $0.isLetter }
        guard word.count >= 3, word.count <= 8 else { return nil }
        return LogLevel(word: word)
    }

    private func stdoutDidClose() {
        let truncated = stdoutSplitter.withLock { splitter -> [UInt8]? in
            splitter.hasPartialLine ? splitter.partialLinePrefix : nil
        }
        if let truncated {
            events(.stdoutNoise(prefix: "truncated last line: " + preview(truncated), beforeHandshake: false))
        }
        let hasPending = state.withLock { state in
            state.stdoutClosed = true
            return !state.pending.isEmpty
        }
        guard hasPending else { return }
        // Give the exit status and the last stderr lines a moment to arrive, so the failure can say how the
        // plugin ended and what it said last.
        Task { [self] in
            let exit = await waitForExit(within: .seconds(2))
            for _ in 0..<50 where !state.withLock({ $0.stderrClosed }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            failAll(.exitedWithoutResult(exit))
        }
    }

    private func processDidExit(_ exit: ProcessExit) {
        let (waiters, stdoutOpen) = state.withLock { state in
            state.exit = exit
            defer { state.exitWaiters.removeAll() }
            return (state.exitWaiters, !state.stdoutClosed)
        }
        for waiter in waiters { waiter.resume(returning: exit) }
        guard stdoutOpen else { return }
        // A background child may still hold stdout; it belongs to the plugin's group, so end it.
        Task { [self] in
            try? await Task.sleep(for: .milliseconds(500))
            if state.withLock({ !$0.stdoutClosed }) { kill() }
        }
    }

    // MARK: - Completion

    private func complete(_ id: Int, with result: Result<JSONValue, PluginFailure>, fromPlugin: Bool = false) {
        let waiter = state.withLock { state -> Waiter? in
            guard let entry = state.pending.removeValue(forKey: id) else {
                if fromPlugin {
                    let duplicate = state.answered.contains(id)
                    let problem = duplicate ? "a second response to request \(id)" : "a response to unknown id \(id)"
                    Task { [events] in events(.log(level: .warning, message: "protocol: \(problem)", fields: nil)) }
                }
                return nil
            }
            if fromPlugin { state.answered.insert(id) }
            state.timers.removeValue(forKey: id)?.cancel()
            return entry.waiter
        }
        waiter?.resume(returning: result)
    }

    private func failAll(_ reason: PluginFailure.Reason) {
        let pending = state.withLock { state in
            defer {
                state.pending.removeAll()
                for timer in state.timers.values { timer.cancel() }
                state.timers.removeAll()
            }
            return state.pending
        }
        for (_, entry) in pending {
            entry.waiter.resume(returning: .failure(failure(entry.method, reason)))
        }
    }

    private func failure(_ method: String, _ reason: PluginFailure.Reason) -> PluginFailure {
        PluginFailure(plugin: name, method: method, reason: reason, stderrTail: state.withLock { $0.stderrTail.text })
    }

    private func preview(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes.prefix(80), as: UTF8.self)
        text = String(text.unicodeScalars.map { $0.value < 0x20 ? "." : Character($0) })
        return bytes.count > 80 ? text + "…" : text
    }
}
