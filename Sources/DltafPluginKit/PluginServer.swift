import DltafJSON
import DltafProtocol
import Synchronization

/// The request loop behind `Plugin.serve()`: handshake, dispatch, cancellation, heartbeats.
final class PluginServer: Sendable {
    private let plugin: Plugin
    private let output: OutputChannel
    private let inFlight = Mutex<[Int: Task<Void, Never>]>([:])
    private let initialized = Mutex(false)
    private let dataNegotiated = Mutex(false)
    private let hostRequests: HostRequests

    init(plugin: Plugin, output: OutputChannel) {
        self.plugin = plugin
        self.output = output
        hostRequests = HostRequests(output: output)
    }

    /// Serves until the line sequence ends (stdin closed). Requests still running then get `cancelGrace` to
    /// finish and answer; what remains is cancelled (answered -32800) before the plugin exits.
    func run(lines: AsyncStream<StdinLines.Item>) async {
        let heartbeat = Task { [self] in
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: plugin.heartbeatInterval)) != nil else { return }
                for id in inFlight.withLock({ Array($0.keys) }) {
                    output.send(.notification(method: ProtocolMethod.heartbeat, params: ["request_id": .int(id)]))
                }
            }
        }
        for await item in lines {
            handle(item)
        }
        hostRequests.close()
        heartbeat.cancel()
        let deadline = ContinuousClock.now + plugin.cancelGrace
        while ContinuousClock.now < deadline, !inFlight.withLock({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let remaining = inFlight.withLock { Array($0.values) }
        for task in remaining { task.cancel() }
        for task in remaining { await task.value }
    }

    private func handle(_ item: StdinLines.Item) {
        let message: RPCMessage
        switch item {
        case .oversized:
            reply(nil, error: RPCError(code: RPCErrorCode.parseError, message: "line too long"))
            return
        case .line(let bytes):
            do {
                message = try RPCMessage.decode(bytes)
            } catch {
                reply(nil, error: RPCError(code: RPCErrorCode.parseError, message: error.reason))
                return
            }
        }
        switch message {
        case .request(let id, let method, let params):
            handleRequest(id: id, method: method, params: params)
        case .notification(let method, let params):
            if method == ProtocolMethod.cancel, let id = params["id"]?.intValue {
                inFlight.withLock { $0[id] }?.cancel()
            }
        case .response(let id, let result):
            hostRequests.resolve(id, .success(result))
        case .errorResponse(let id?, let error):
            hostRequests.resolve(id, .failure(error))
        case .errorResponse(nil, _):
            break  // the host could not read a line of ours; the request it belonged to is unknown
        }
    }

    private func handleRequest(id: Int, method: String, params: JSONValue) {
        if method == ProtocolMethod.initialize {
            initialize(id: id, params: params)
            return
        }
        guard initialized.withLock({ $0 }) else {
            reply(id, error: RPCError(code: RPCErrorCode.notInitialized, message: "initialize must come first"))
            return
        }
        if method == ProtocolMethod.shutdown {
            output.send(.response(id: id, result: .object(JSONObject())))
            return
        }
        let request: PluginRequest
        do {
            request = try PluginRequest(method: method, params: params)
        } catch {
            reply(id, error: error)
            return
        }
        var data: PluginData?
        if case .runnerRun(let run) = request, let offered = run.data, dataNegotiated.withLock({ $0 }) {
            data = PluginData(params: offered, host: hostRequests, batchRows: plugin.dataBatchRows)
        }
        let call = PluginCall(id: id, method: method, params: params, request: request, data: data, output: output)
        // Registered under the lock that the task's own removal takes, so a task that finishes at once cannot
        // remove itself before it is registered (and then linger in `inFlight` forever).
        inFlight.withLock { running in
            running[id] = Task { [self] in
                let result: Result<JSONValue, RPCError>
                do {
                    result = .success(try await dispatch(call))
                } catch let error as RPCError {
                    result = .failure(error)
                } catch let error as PluginError {
                    result = .failure(error.rpcError)
                } catch let error as DataError {
                    result = .failure(error.rpcError)
                } catch is CancellationError {
                    result = .failure(RPCError(code: RPCErrorCode.requestCancelled, message: "cancelled"))
                } catch {
                    result = .failure(HandlerFailure(category: .unknown).error("\(error)"))
                }
                self.inFlight.withLock { _ = $0.removeValue(forKey: id) }
                switch result {
                case .success(let value): output.send(.response(id: id, result: value))
                case .failure(let error): reply(id, error: error)
                }
            }
        }
    }

    private func initialize(id: Int, params: JSONValue) {
        let offered: InitializeParams
        do {
            offered = try InitializeParams(json: params)
        } catch {
            reply(id, error: RPCError(code: RPCErrorCode.invalidParams, message: error.reason))
            return
        }
        guard let version = offered.protocolVersions.filter(DltafProtocol.supportedVersions.contains).max() else {
            reply(
                id,
                error: RPCError(
                    code: RPCErrorCode.unsupportedProtocolVersion,
                    message: "unsupported protocol version; this plugin speaks "
                        + DltafProtocol.supportedVersions.map(String.init).joined(separator: ", "),
                    data: ["supported": .array(DltafProtocol.supportedVersions.map { .int($0) })]))
            return
        }
        initialized.withLock { $0 = true }
        var result = InitializeResult(protocolVersion: version, plugin: plugin.identity, provides: plugin.provides)
        if plugin.offersData, !plugin.runners.isEmpty, offered.features.contains(ProtocolFeature.data) {
            result.features = [ProtocolFeature.data]
            dataNegotiated.withLock { $0 = true }
        }
        output.send(.response(id: id, result: result.json))
    }

    private func dispatch(_ call: PluginCall) async throws -> JSONValue {
        switch call.request {
        case .runnerValidate(let params):
            let runner = try lookup(plugin.runners, params.kind, what: "runner kind")
            let diagnostics = try await runner.validate?(call) ?? []
            return RunnerValidateResult(diagnostics: diagnostics).json
        case .runnerRun(let params):
            let runner = try lookup(plugin.runners, params.kind, what: "runner kind")
            let outcome: RunOutcome
            do {
                outcome = try await runner.run(call)
            } catch {
                try? await call.data?.finish(flush: false)
                throw error
            }
            // Rows still buffered belong to the run; a failed run is rolled back, so they need not be sent.
            try await call.data?.finish(flush: outcome.status != .failed)
            return outcome.json
        case .checkApplies(let params):
            let check = try lookup(plugin.checks, params.check, what: "check")
            return CheckAppliesResult(applies: try await check.applies?(call) ?? true).json
        case .checkRun(let params):
            let check = try lookup(plugin.checks, params.check, what: "check")
            return try await check.run(call).json
        case .hook(let params):
            let hook = try lookup(plugin.hooks, params.hook, what: "hook")
            guard hook.info.events.contains(params.event) else { return HookOutcome(ok: true).json }
            return try await hook.handle(params.event, call).json
        }
    }

    private func lookup<Entry>(_ table: [String: Entry], _ key: String, what: String) throws -> Entry {
        guard let entry = table[key] else {
            throw RPCError(code: RPCErrorCode.invalidParams, message: "unknown \(what) \"\(key)\"")
        }
        return entry
    }

    private func reply(_ id: Int?, error: RPCError) {
        output.send(.errorResponse(id: id, error: error))
    }
}
