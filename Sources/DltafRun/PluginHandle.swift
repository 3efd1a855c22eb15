import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

/// A started plugin as the run uses it: its connection, handshake, settings, log, and counters.
package final class PluginHandle: Sendable {
    package let connection: PluginConnection
    package let spec: String
    package let handshake: InitializeResult
    /// The registries whose specs listed this plugin; it contributes only to those.
    package let registries: Set<PluginRegistryKind>
    package let settings: PluginSettings
    package let log: PluginLog
    package let startupMilliseconds: Double
    package let origins: [String]
    private let stats = Mutex<(calls: Int, milliseconds: Double)>((0, 0))

    package init(
        connection: PluginConnection, handshake: InitializeResult, registries: Set<PluginRegistryKind>,
        settings: PluginSettings, log: PluginLog, origins: [String], startupMilliseconds: Double
    ) {
        self.connection = connection
        self.spec = connection.name
        self.handshake = handshake
        self.registries = registries
        self.settings = settings
        self.log = log
        self.origins = origins
        self.startupMilliseconds = startupMilliseconds
    }

    /// The last `state` notification.
    package var lastState: JSONValue? { log.stateBox.last }

    /// Calls the plugin; the plugin's own `call_timeout_seconds`/`run_timeout_seconds` replace `timeout`.
    package func call(_ method: String, params: JSONValue, timeout: Duration?) async throws(PluginFailure) -> JSONValue
    {
        let limit =
            method == ProtocolMethod.runnerRun ? (settings.runTimeout ?? timeout) : (settings.callTimeout ?? timeout)
        let started = ContinuousClock.now
        defer {
            let elapsed = started.duration(to: .now).milliseconds
            stats.withLock {
                $0.calls += 1
                $0.milliseconds += elapsed
            }
        }
        return try await connection.call(method, params: params, timeout: limit)
    }

    package func report(exit: ProcessExit?) -> PluginReport {
        let counters = stats.withLock { $0 }
        var report = PluginReport(
            spec: spec, origins: origins, executable: connection.plugin.commandLine,
            delivery: connection.plugin.delivery.rawValue)
        report.name = handshake.plugin.name
        report.version = handshake.plugin.version
        report.protocolVersion = handshake.protocolVersion
        report.startupMilliseconds = startupMilliseconds
        report.calls = counters.calls
        report.callMilliseconds = counters.milliseconds
        report.exit = exit?.description
        return report
    }
}

/// The last checkpoint a plugin reported.
package final class StateBox: Sendable {
    private let value = Mutex<JSONValue?>(nil)

    package func store(_ state: JSONValue) { value.withLock { $0 = state } }

    package var last: JSONValue? { value.withLock { $0 } }
}

extension Duration {
    /// The duration in milliseconds.
    package var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
