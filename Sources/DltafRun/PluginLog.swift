import DltafJSON
import DltafPluginHost
import DltafProtocol
import Synchronization

/// One plugin's live log: turns its events into console lines, keeps its last checkpoint, and limits how
/// fast it can print so a plugin flooding its log cannot flood the terminal.
package final class PluginLog: Sendable {
    /// Log and stderr lines printed per second before the rest of that second is counted and suppressed.
    package static let linesPerSecond = 1000

    package let label: String
    package let console: Console
    package let stateBox = StateBox()
    private let window = Mutex<(start: ContinuousClock.Instant, printed: Int, suppressed: Int)>((.now, 0, 0))
    private let lastProgress = Mutex<ContinuousClock.Instant?>(nil)
    private let misbehaviour = Mutex(PluginMisbehaviour())

    package init(label: String, console: Console) {
        self.label = label
        self.console = console
    }

    /// The closure a `PluginConnection` reports to.
    package var sink: @Sendable (PluginEvent) -> Void { { [self] event in handle(event) } }

    package func handle(_ event: PluginEvent) {
        switch event {
        case .log(let level, let message, let fields):
            let suffix = fields.map { fields in
                " " + fields.map { "\($0.key)=\($0.value.stringValue ?? $0.value.jsonText)" }.joined(separator: " ")
            }
            limited(level, message + (suffix ?? ""))
        case .progress(let params):
            // Live but throttled: at most one line per second per plugin, plus the line that completes it.
            let now = ContinuousClock.now
            let complete = params["total"] != nil && params["current"] == params["total"]
            let due = lastProgress.withLock { last -> Bool in
                if !complete, let last, last.duration(to: now) < .seconds(1) { return false }
                last = now
                return true
            }
            if due { console.log(.info, source: label, Self.describeProgress(params)) }
        case .state(let state):
            stateBox.store(state)
            console.log(.debug, source: label, "checkpoint: \(state.jsonText)")
        case .heartbeat:
            break
        case .stderr(let line, let level):
            limited(level ?? .info, line)
        case .stdoutNoise(let prefix, let beforeHandshake):
            let when = beforeHandshake ? " before its handshake" : ""
            let description =
                "stdout_noise: non-protocol output on stdout\(when): \"\(prefix)\" (plugins must log to stderr)"
            misbehaviour.withLock { $0.noise(description) }
            limited(.warning, description)
        case .unknownNotification(let method):
            console.log(.debug, source: label, "ignored unknown notification \"\(method)\"")
        case .supervisor(let step):
            console.log(.warning, source: label, step)
        }
    }

    /// Prints the count of lines suppressed in the current window, if any.
    package func finish() {
        let suppressed = window.withLock { window in
            defer { window.suppressed = 0 }
            return window.suppressed
        }
        reportSuppressed(suppressed)
    }

    /// What the plugin did wrong without failing a call, for the result's warnings (after `finish()`).
    package var warnings: [String] { misbehaviour.withLock { $0.warnings(label: label) } }

    private func reportSuppressed(_ count: Int) {
        guard count > 0 else { return }
        misbehaviour.withLock { $0.suppressed(count) }
        console.log(.warning, source: label, "\(count) log lines suppressed (rate limit)")
    }

    private func limited(_ level: LogLevel, _ line: String) {
        guard level >= console.minimumLevel else { return }
        let now = ContinuousClock.now
        let (allowed, suppressedBefore) = window.withLock { window -> (Bool, Int) in
            var report = 0
            if window.start.duration(to: now) >= .seconds(1) {
                report = window.suppressed
                window = (now, 0, 0)
            }
            guard window.printed < Self.linesPerSecond else {
                window.suppressed += 1
                return (false, report)
            }
            window.printed += 1
            return (true, report)
        }
        reportSuppressed(suppressedBefore)
        if allowed { console.log(level, source: label, line) }
    }

    package static func describeProgress(_ params: JSONValue) -> String {
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
