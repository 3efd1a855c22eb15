import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

/// A started plugin as the run uses it: its connection, its handshake, and counters for the result.
final class PluginHandle: Sendable {
    let connection: PluginConnection
    let spec: String
    let handshake: InitializeResult
    /// The registries whose specs listed this plugin; it contributes only to those.
    let registries: Set<PluginRegistryKind>
    private let stats: Mutex<(calls: Int, milliseconds: Double, lastState: JSONValue?)>
    let startupMilliseconds: Double
    let origins: [String]

    init(
        connection: PluginConnection, handshake: InitializeResult, registries: Set<PluginRegistryKind>,
        origins: [String], startupMilliseconds: Double, stateBox: StateBox
    ) {
        self.connection = connection
        self.spec = connection.name
        self.handshake = handshake
        self.registries = registries
        self.origins = origins
        self.startupMilliseconds = startupMilliseconds
        self.stats = Mutex((0, 0, nil))
        self.stateBox = stateBox
    }

    /// The last `state` notification, shared with the event sink.
    let stateBox: StateBox

    func call(_ method: String, params: JSONValue, timeout: Duration?) async throws(PluginFailure) -> JSONValue {
        let started = ContinuousClock.now
        defer {
            let elapsed = started.duration(to: .now).milliseconds
            stats.withLock {
                $0.calls += 1
                $0.milliseconds += elapsed
            }
        }
        return try await connection.call(method, params: params, timeout: timeout)
    }

    func report(exit: ProcessExit?) -> PluginReport {
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
final class StateBox: Sendable {
    private let value = Mutex<JSONValue?>(nil)

    func store(_ state: JSONValue) { value.withLock { $0 = state } }

    var last: JSONValue? { value.withLock { $0 } }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
