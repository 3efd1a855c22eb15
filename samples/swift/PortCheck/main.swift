// A sample check: can each `host:port` in `config.endpoints` be reached within `config.timeout_seconds`?
//
//   run:
//     online_checks: {plugins: [samples.swift.port_check], config: {swift_port: {endpoints: ["db:5432"]}}}
import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation

var plugin = Plugin(name: "swift-port-check", version: "1.0.0", description: "Probes TCP endpoints")

plugin.check("swift_port", description: "TCP reachability of config.endpoints") { call in
    !(call.config["endpoints"]?.arrayValue ?? []).isEmpty
} run: { call in
    let endpoints = call.config["endpoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
    guard !endpoints.isEmpty else { return CheckOutcome(ok: false, errors: ["no endpoints in config.endpoints"]) }
    let timeout = call.config["timeout_seconds"]?.doubleValue ?? call.checkParams?.timeoutSeconds ?? 3
    var errors: [String] = []
    var results: [JSONValue] = []
    for endpoint in endpoints {
        let started = Date()
        let problem = probe(endpoint, timeout: timeout)
        let milliseconds = (Date().timeIntervalSince(started) * 1000 * 10).rounded() / 10
        results.append([
            "endpoint": .string(endpoint), "ok": .bool(problem == nil), "latency_ms": .double(milliseconds),
        ])
        if let problem { errors.append("\(endpoint): \(problem)") }
    }
    return CheckOutcome(ok: errors.isEmpty, errors: errors, details: ["results": .array(results)])
}

/// Connects to `host:port` with a timeout; nil when it worked, else why not.
func probe(_ endpoint: String, timeout: Double) -> String? {
    guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]) else {
        return "expected host:port"
    }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(String(endpoint[..<colon]), String(port), &hints, &list) == 0, let info = list else {
        return "cannot resolve host"
    }
    defer { freeaddrinfo(list) }
    let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
    guard socketFD >= 0 else { return "cannot create a socket" }
    defer { close(socketFD) }
    _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)
    if connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return nil }
    guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
    var poller = pollfd(fd: socketFD, events: Int16(POLLOUT), revents: 0)
    guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return "timed out after \(timeout)s" }
    var failure: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &failure, &length)
    return failure == 0 ? nil : String(cString: strerror(failure))
}

await plugin.serve()
