public import DltafProtocol

/// Why a call to a plugin, or the plugin itself, failed.
public struct PluginFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Reason: Sendable, Equatable {
        /// The plugin could not be started.
        case launchFailed(String)
        /// The call took longer than its limit.
        case timeout(limit: Duration, phase: String)
        /// The plugin ended without answering.
        case exitedWithoutResult(ProcessExit?)
        /// The plugin answered with a JSON-RPC error.
        case rpcError(RPCError)
        /// The plugin broke the protocol.
        case protocolViolation(String)
        /// The plugin stopped reading its stdin.
        case stdinClosed
        /// The run was cancelled while the call was pending.
        case cancelled
    }

    /// The plugin's spec.
    public var plugin: String
    /// The call that failed (`initialize`, `runner/run`, ...).
    public var method: String
    /// What happened.
    public var reason: Reason
    /// The last lines the plugin wrote on stderr.
    public var stderrTail: String

    /// Creates a failure.
    public init(plugin: String, method: String, reason: Reason, stderrTail: String = "") {
        self.plugin = plugin
        self.method = method
        self.reason = reason
        self.stderrTail = stderrTail
    }

    /// Whether the failure is a timeout (category TIMEOUT in results).
    public var isTimeout: Bool {
        if case .timeout = reason { return true }
        return false
    }

    /// One line for people, without the stderr tail.
    public var summary: String {
        switch reason {
        case .launchFailed(let why): return "plugin \(plugin) \(why)"
        case .timeout(let limit, let phase) where phase == "idle":
            return "plugin \(plugin) sent nothing for \(formatDuration(limit)) during \(method) (idle timeout)"
        case .timeout(let limit, let phase):
            return "plugin \(plugin) did not answer \(method) within \(formatDuration(limit)) (\(phase) timeout)"
        case .exitedWithoutResult(let exit?):
            return "plugin \(plugin) exited without reporting a result for \(method) (\(exit))"
        case .exitedWithoutResult(nil):
            return "plugin \(plugin) closed its stdout without reporting a result for \(method)"
        case .rpcError(let error): return "plugin \(plugin) failed \(method): \(error.message)"
        case .protocolViolation(let why): return "plugin \(plugin) broke the protocol during \(method): \(why)"
        case .stdinClosed: return "plugin \(plugin) stopped reading its input during \(method)"
        case .cancelled: return "plugin \(plugin): \(method) was cancelled"
        }
    }

    public var description: String {
        guard !stderrTail.isEmpty else { return summary }
        let lines = stderrTail.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
        return summary + "\n  last stderr lines:\n" + lines.map { "    \($0)" }.joined(separator: "\n")
    }
}

/// A duration as people read it: `250ms`, `5s`, `1.5s`.
public func formatDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    if milliseconds < 1000 { return "\(milliseconds)ms" }
    if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
    return "\(Double(milliseconds) / 1000)s"
}
