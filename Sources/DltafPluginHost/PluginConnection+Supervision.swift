import DltafJSON
import DltafProtocol
import Foundation
import Synchronization

/// Deadlines, cancellation and stopping: the parts of a connection that keep dltaf in control.
extension PluginConnection {
    /// How often the watchdog looks at deadlines and at the process.
    static let watchdogInterval: Duration = .milliseconds(50)

    func startWatchdog() {
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.watchdogInterval)
                if watchdogTick() { return }
            }
        }
        state.withLock { $0.watchdog = task }
    }

    /// One look at the deadlines and the process. Returns true when there is nothing left to watch.
    private func watchdogTick() -> Bool {
        let now = ContinuousClock.now
        var expired: [(Int, PluginFailure.Reason)] = []
        let (finished, pid, pendingCount) = state.withLock { state -> (Bool, Int32?, Int) in
            for (id, call) in state.pending {
                let elapsed = call.started.duration(to: now)
                let quiet = max(call.started, state.lastMessage).duration(to: now)
                let phase = call.method == ProtocolMethod.initialize ? "startup" : "call"
                if let timeout = call.timeout, elapsed >= timeout {
                    expired.append((id, .timeout(limit: timeout, phase: phase)))
                } else if let absolute = limits.absolute, elapsed >= absolute {
                    expired.append((id, .timeout(limit: absolute, phase: "absolute")))
                } else if let idle = limits.idle, call.method != ProtocolMethod.initialize, quiet >= idle {
                    expired.append((id, .timeout(limit: idle, phase: "idle")))
                }
            }
            if !expired.isEmpty { state.unhealthy = true }
            return (state.exit != nil && state.stdoutClosed, state.child?.pid, state.pending.count)
        }
        for (id, reason) in expired {
            let method = state.withLock { $0.pending[id]?.method } ?? "request \(id)"
            notify(ProtocolMethod.cancel, params: ["id": .int(id), "reason": "timeout"])
            complete(id, with: .failure(failure(method, reason)))
        }
        if finished { return true }
        // Foundation learns of an exit only when every holder of its exit socket is gone, so a plugin whose
        // background child (in a session of its own, beyond the group's reach) keeps running looks alive.
        // /proc tells the truth: a zombie leader has exited. Its group is killed; the condition is said once.
        if let pid, state.withLock({ $0.exit == nil }), let exit = Self.zombieExit(pid) {
            let holdsPipes = pendingCount > 0 || state.withLock({ $0.stdoutClosed }) == false
            let first = state.withLock { state in
                defer { state.strayReported = true }
                return !state.strayReported
            }
            if holdsPipes, first {
                events(
                    .supervisor(
                        "the plugin (pid \(pid)) \(exit), but a process it started still holds its output: "
                            + "killing its group; dltaf ends the rest after the run"))
            }
            kill()
        }
        return false
    }

    /// How `pid` ended, when it has exited and waits to be reaped (state `Z` in /proc/PID/stat, its waitpid
    /// status in field 52, `exit_code`); nil while it runs.
    static func zombieExit(_ pid: Int32) -> ProcessExit? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        // The state follows the command name, which is in parentheses and may itself contain ") ".
        guard let close = data.lastIndex(of: UInt8(ascii: ")")), close + 2 < data.count,
            data[close + 2] == UInt8(ascii: "Z")
        else { return nil }
        let fields = data[(close + 2)...].split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        // Fields after the name start at 3 (the state): exit_code, field 52, is the 50th of them.
        guard fields.count > 49, let status = Int32(String(decoding: fields[49], as: UTF8.self)) else {
            return .exited(0)
        }
        return status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
    }

    /// Asks the plugin to stop working on every pending request, waits up to `limits.cancelGrace` for the
    /// answers, then fails whatever is still pending as cancelled.
    ///
    /// - Returns: how many requests were still pending when the grace period ended.
    @discardableResult
    public func cancelPending(reason: String) async -> Int {
        // A plugin that answers its cancels stays usable: on_error hooks still run after a cancel.
        let pending = state.withLock { $0.pending.map { ($0.key, $0.value.method) } }
        guard !pending.isEmpty else { return 0 }
        for (id, method) in pending {
            events(.supervisor("sending cancel for \(method) (request \(id))"))
            notify(ProtocolMethod.cancel, params: ["id": .int(id), "reason": .string(reason)])
        }
        let deadline = ContinuousClock.now + limits.cancelGrace
        while ContinuousClock.now < deadline, state.withLock({ !$0.pending.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = state.withLock { state in
            if !state.pending.isEmpty { state.unhealthy = true }
            return state.pending.count
        }
        if left > 0 {
            events(.supervisor("no answer to cancel within \(formatDuration(limits.cancelGrace))"))
            failAll(.cancelled)
        }
        return left
    }

    /// Ends the session: `shutdown`, close stdin, then SIGTERM and SIGKILL to the process group if it lingers.
    ///
    /// A plugin marked unhealthy (after a timeout, a cancel or a protocol violation) is not asked to shut down:
    /// its stdin is closed and its group signalled at once. Whatever happens, the plugin's whole process group
    /// is killed at the end, so no process it started outlives the run. Escalations are reported as
    /// `.supervisor` events. Returns how the plugin ended, if known.
    ///
    /// - Parameter announce: report every step as a `.supervisor` event (after a cancel, so the user sees
    ///   what happens), not only the escalations.
    @discardableResult
    public func shutdown(announce: Bool = false) async -> ProcessExit? {
        guard let child = state.withLock({ $0.child }) else { return nil }
        let (unhealthy, running) = state.withLock { ($0.unhealthy, $0.exit == nil && !$0.stdoutClosed) }
        if running, !unhealthy {
            if announce { events(.supervisor("sending shutdown")) }
            _ = try? await call(ProtocolMethod.shutdown, params: [:], timeout: limits.shutdownGrace)
        }
        if announce, running { events(.supervisor("closing stdin")) }
        child.closeStdin()
        var exit = await waitForExit(
            within: unhealthy ? min(limits.shutdownGrace, .milliseconds(500)) : limits.shutdownGrace)
        if exit == nil {
            events(.supervisor("still running after its stdin closed: SIGTERM to process group \(child.pid)"))
            child.signalGroup(SIGTERM)
            exit = await waitForExit(within: unhealthy ? min(limits.shutdownGrace, .seconds(1)) : limits.shutdownGrace)
            if exit == nil { events(.supervisor("ignored SIGTERM: SIGKILL to process group \(child.pid)")) }
        }
        child.signalGroup(SIGKILL)
        if exit == nil { exit = await waitForExit(within: .seconds(5)) }
        // Every line the plugin wrote on stderr before it ended is handled (printed or counted) before returning.
        await waitForStderrEnd(within: .seconds(1))
        state.withLock { $0.watchdog }?.cancel()
        return exit
    }

    /// Closes the plugin's stdin without a `shutdown` request (a well-behaved plugin then exits).
    public func closeInput() {
        state.withLock { $0.child }?.closeStdin()
    }

    /// Sends `signal` to the plugin's process only (not its group), as a terminal or supervisor might.
    public func signalProcess(_ signal: Int32) {
        if let pid = state.withLock({ $0.child?.pid }) { _ = Glibc.kill(pid, signal) }
    }

    /// Kills the plugin's process group at once; pending calls then fail as the plugin exits.
    public func kill() {
        let child = state.withLock { state -> (any ChildProcess)? in
            state.unhealthy = true
            return state.child
        }
        child?.signalGroup(SIGKILL)
    }

    /// Waits until the process has ended, or the limit passes.
    public func waitForExit(within limit: Duration) async -> ProcessExit? {
        // Polled, not awaited: Foundation reports an exit only once every holder of the plugin's pipes is gone,
        // and a child that escaped the plugin's group may hold them long after; /proc knows at once.
        let deadline = ContinuousClock.now + limit
        while true {
            if let exit = state.withLock({ $0.exit }) { return exit }
            if let pid = state.withLock({ $0.child?.pid }), let exit = Self.zombieExit(pid) { return exit }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
