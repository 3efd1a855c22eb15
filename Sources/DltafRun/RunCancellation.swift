import DltafPluginHost
import DltafProtocol
import Synchronization

/// Ctrl-C and SIGTERM for a run: the first request cancels in-band, the second kills.
///
/// Every plugin connection of the run registers here as soon as it exists. `cancel()` sends each an in-band
/// `cancel` for its pending requests and waits the plugin's cancel grace; the run then unwinds (on_error hooks,
/// bounded, then the shutdown sequence). `kill()` skips to SIGKILL of every plugin's process group.
public final class RunCancellation: Sendable {
    private struct State {
        var cancelled = false
        var killed = false
        var connections: [PluginConnection] = []
    }

    private let state = Mutex(State())
    private let console: Console

    /// Creates a cancellation handle reporting its steps on `console`.
    public init(console: Console) {
        self.console = console
    }

    /// Whether the run has been asked to stop.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Whether the run has been asked to stop at once.
    public var isKilled: Bool { state.withLock { $0.killed } }

    /// Adds a connection; if the run is already cancelled, it is cancelled too.
    func register(_ connection: PluginConnection) {
        let (cancelled, killed) = state.withLock { state in
            state.connections.append(connection)
            return (state.cancelled, state.killed)
        }
        if killed {
            connection.kill()
        } else if cancelled {
            Task { await connection.cancelPending(reason: "run cancelled") }
        }
    }

    /// Cancels the run: in-band `cancel` to every plugin with pending requests. A second call kills.
    public func cancel(signalName: String) {
        let (first, connections) = state.withLock { state -> (Bool, [PluginConnection]) in
            defer { state.cancelled = true }
            return (!state.cancelled, state.connections)
        }
        guard first else {
            kill(signalName: signalName)
            return
        }
        console.log(
            .warning, source: "dltaf",
            "received \(signalName): cancelling the run (send it again to kill every plugin at once)")
        for connection in connections {
            Task { await connection.cancelPending(reason: "run cancelled by \(signalName)") }
        }
    }

    /// Kills every plugin's process group at once.
    public func kill(signalName: String) {
        let connections = state.withLock { state -> [PluginConnection] in
            state.cancelled = true
            state.killed = true
            return state.connections
        }
        console.log(.warning, source: "dltaf", "received \(signalName) again: SIGKILL to every plugin's process group")
        for connection in connections { connection.kill() }
    }
}
