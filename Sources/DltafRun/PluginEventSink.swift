import DltafJSON
import DltafPluginHost
import DltafProtocol
import Synchronization

/// Turns one plugin's events into live console lines and keeps its last checkpoint.
enum PluginEventSink {
    /// The closure a `PluginConnection` reports to.
    static func make(label: String, console: Console, stateBox: StateBox) -> @Sendable (PluginEvent) -> Void {
        let lastProgress = Mutex<ContinuousClock.Instant?>(nil)
        return { event in
            switch event {
            case .log(let level, let message, let fields):
                let suffix = fields.map { fields in
                    " " + fields.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" }.joined(separator: " ")
                }
                console.log(level, source: label, message + (suffix ?? ""))
            case .progress(let params):
                // Live but throttled: at most one line per second per plugin, plus the line that completes it.
                let now = ContinuousClock.now
                let complete = params["total"] != nil && params["current"] == params["total"]
                let due = lastProgress.withLock { last -> Bool in
                    if !complete, let last, last.duration(to: now) < .seconds(1) { return false }
                    last = now
                    return true
                }
                if due { console.log(.info, source: label, describeProgress(params)) }
            case .state(let state):
                stateBox.store(state)
                console.log(.debug, source: label, "checkpoint: \(state.jsonText)")
            case .heartbeat:
                break
            case .stderr(let line, let level):
                console.log(level ?? .info, source: label, line)
            case .stdoutNoise(let prefix, let beforeHandshake):
                let when = beforeHandshake ? " before its handshake" : ""
                console.log(
                    .warning, source: label,
                    "stdout_noise: non-protocol output on stdout\(when): \"\(prefix)\" (plugins must log to stderr)")
            case .unknownNotification(let method):
                console.log(.debug, source: label, "ignored unknown notification \"\(method)\"")
            }
        }
    }

    static func describeProgress(_ params: JSONValue) -> String {
        var parts: [String] = []
        if let current = params["current"]?.intValue {
            if let total = params["total"]?.intValue, total > 0 {
                parts.append("\(current)/\(total) (\(current * 100 / total)%)")
            } else {
                parts.append("\(current)")
            }
        }
        if let unit = params["unit"]?.stringValue { parts.append(unit) }
        if let message = params["message"]?.stringValue { parts.append(message) }
        return "progress: " + (parts.isEmpty ? "…" : parts.joined(separator: " "))
    }
}
