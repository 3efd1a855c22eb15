import DltafClients
import DltafJSON
import DltafProtocol
import Foundation

/// The built-in `tcp` check: can each `host:port` in `run.online_checks.config.tcp.endpoints` be reached,
/// and how fast. Applies when endpoints are configured.
struct TCPCheck: BuiltinExtension {
    var provides: Provides {
        Provides(checks: [
            CheckInfo(name: "tcp", description: "TCP reachability and connect latency of host:port endpoints")
        ])
    }

    func handle(method: String, params: JSONValue) async throws(RPCError) -> JSONValue {
        guard method == ProtocolMethod.checkApplies || method == ProtocolMethod.checkRun else {
            throw RPCError(methodNotFound: method)
        }
        let request = try CheckParams(builtin: method, json: params)
        let endpoints = request.config["endpoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch method {
        case ProtocolMethod.checkApplies:
            return CheckAppliesResult(
                applies: !endpoints.isEmpty,
                reason: endpoints.isEmpty ? "no endpoints in run.online_checks.config.tcp" : "endpoints configured"
            ).json
        case ProtocolMethod.checkRun:
            let timeout = request.config["timeout_seconds"]?.doubleValue ?? request.timeoutSeconds ?? 5
            let results = await withTaskGroup(of: (Int, JSONValue).self) { group in
                for (index, endpoint) in endpoints.enumerated() {
                    group.addTask { (index, await Self.probe(endpoint, timeout: timeout)) }
                }
                var collected: [(Int, JSONValue)] = []
                for await result in group { collected.append(result) }
                return collected.sorted { $0.0 < $1.0 }.map(\.1)
            }
            let errors = results.compactMap { result -> String? in
                guard result["ok"]?.boolValue != true else { return nil }
                let endpoint = result["endpoint"]?.stringValue ?? "?"
                return "\(endpoint): \(result["error"]?.stringValue ?? "unreachable")"
            }
            if endpoints.isEmpty {
                return CheckOutcome(ok: false, errors: ["no endpoints configured"]).json
            }
            return CheckOutcome(
                ok: errors.isEmpty, errors: errors,
                details: ["results": .array(results), "timeout_seconds": .double(timeout)]
            ).json
        default:
            throw RPCError(methodNotFound: method)
        }
    }

    /// Connects to one `host:port` with a timeout, off the cooperative thread pool.
    static func probe(_ endpoint: String, timeout: Double) async -> JSONValue {
        await runBlocking { _ in probeBlocking(endpoint, timeout: timeout) }
    }

    private static func probeBlocking(_ endpoint: String, timeout: Double) -> JSONValue {
        var result: JSONObject = ["endpoint": .string(endpoint)]
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...])
        else {
            result["ok"] = false
            result["error"] = "expected host:port"
            return .object(result)
        }
        let host = String(endpoint[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        result["host"] = .string(host)
        result["port"] = .int(Int(port))
        let started = ContinuousClock.now
        switch connect(host: host, port: port, timeout: timeout) {
        case .success:
            result["ok"] = true
            result["latency_ms"] = .double((started.duration(to: .now).milliseconds * 1000).rounded() / 1000)
        case .failure(let error):
            result["ok"] = false
            result["error"] = .string(error.reason)
        }
        return .object(result)
    }

    private struct ProbeError: Error {
        var reason: String
    }

    private static func connect(host: String, port: UInt16, timeout: Double) -> Result<Void, ProbeError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(ProbeError(reason: "cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return .success(()) }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                continue
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
            if ready == 0 {
                lastError = "timed out after \(timeout)s"
                continue
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if ready > 0, socketError == 0 { return .success(()) }
            lastError = String(cString: strerror(socketError != 0 ? socketError : errno))
        }
        return .failure(ProbeError(reason: lastError))
    }
}
