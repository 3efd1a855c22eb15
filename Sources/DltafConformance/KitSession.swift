import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

/// One plugin process under test, with everything it said recorded.
final class KitSession: Sendable {
    let connection: PluginConnection
    private let recorded = Recorded()

    /// What the plugin said, by kind.
    final class Recorded: Sendable {
        let lines = Mutex<(noise: [String], protocolProblems: [String], output: [String])>(([], [], []))
    }

    /// Launches the plugin (no handshake yet).
    init(plugin: ResolvedPlugin, environment: [String: String], directory: String, limits: ConnectionLimits)
        throws(PluginFailure)
    {
        let recorded = self.recorded
        connection = PluginConnection(plugin: plugin, launcher: FoundationProcessLauncher(), limits: limits) { event in
            recorded.lines.withLock { record in
                switch event {
                case .stdoutNoise(let prefix, _): record.noise.append(prefix)
                case .log(_, let message, let fields):
                    if message.hasPrefix("protocol: ") { record.protocolProblems.append(message) }
                    record.output.append(message + (fields.map { JSONValue.object($0).jsonText } ?? ""))
                case .stderr(let line, _): record.output.append(line)
                case .progress(let params), .state(let params): record.output.append(params.jsonText)
                default: break
                }
            }
        }
        let launch: ProcessLaunch
        do {
            launch = try PluginEnvironment.launch(
                for: plugin,
                environment: PluginEnvironment.build(parent: environment, plugin: plugin, runID: KitSession.runID),
                workingDirectory: directory)
        } catch {
            throw PluginFailure(
                plugin: plugin.spec.description, method: ProtocolMethod.initialize,
                reason: .launchFailed(error.description))
        }
        try connection.launch(launch)
    }

    static let runID = "00000000-0000-4000-8000-00000000c0de"

    /// The standard handshake.
    func handshake() async throws(PluginFailure) -> InitializeResult {
        try await connection.handshake(
            InitializeParams(hostVersion: "conformance", spec: connection.name, runID: Self.runID))
    }

    /// Lines the plugin wrote on stdout that were not protocol messages.
    var noise: [String] { recorded.lines.withLock { $0.noise } }

    /// Duplicate or unknown responses.
    var protocolProblems: [String] { recorded.lines.withLock { $0.protocolProblems } }

    /// Everything the plugin said outside responses: logs, stderr, progress, state.
    var output: [String] { recorded.lines.withLock { $0.output } }

    /// Stops the plugin (the usual shutdown sequence).
    func close() async {
        await connection.shutdown()
    }
}
