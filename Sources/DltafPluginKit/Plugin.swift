import DltafJSON
public import DltafProtocol
import Foundation
import Synchronization

/// A dltaf plugin written in Swift: register handlers, then `serve()`.
///
/// ```swift
/// var plugin = Plugin(name: "hello", version: "1.0.0")
/// plugin.runner("hello_csv") { call in
///     RunOutcome(status: .success, message: "done")
/// }
/// await plugin.serve()
/// ```
/// The SDK answers `initialize`, `shutdown`, unknown methods and malformed lines as PROTOCOL.md requires,
/// runs each request in its own task (so `cancel` reaches a running handler as task cancellation), sends
/// heartbeats while handlers run, and exits when stdin closes.
public struct Plugin: Sendable {
    /// Validates a manifest for a runner kind.
    public typealias Validator = @Sendable (PluginCall) async throws -> [Diagnostic]
    /// Runs a load.
    public typealias Runner = @Sendable (PluginCall) async throws -> RunOutcome
    /// Handles a hook event.
    public typealias Hook = @Sendable (HookEvent, PluginCall) async throws -> HookOutcome
    /// Decides whether a check applies.
    public typealias Applies = @Sendable (PluginCall) async throws -> Bool
    /// Runs a check.
    public typealias Check = @Sendable (PluginCall) async throws -> CheckOutcome

    let identity: PluginIdentity
    var runners: [String: (info: RunnerInfo, validate: Validator?, run: Runner)] = [:]
    var hooks: [String: (info: HookInfo, handle: Hook)] = [:]
    var checks: [String: (info: CheckInfo, applies: Applies?, run: Check)] = [:]
    var order: (runners: [String], hooks: [String], checks: [String]) = ([], [], [])
    /// Seconds between heartbeats while a handler runs.
    public var heartbeatInterval: Duration = .seconds(5)
    /// When stdin closes, how long running handlers have to finish before they are cancelled.
    public var cancelGrace: Duration = .seconds(1)
    /// Whether the plugin takes up the `data.v1` feature when the host offers it (and it has runners), so that
    /// runners get `call.data`. Turn it off for runners that load their rows themselves.
    public var offersData = true
    /// The most rows one `data/write` line carries (PROTOCOL.md §8: 1,000–50,000 a line).
    public var dataBatchRows = 10_000

    /// Creates a plugin with its identity.
    public init(name: String, version: String, description: String? = nil) {
        identity = PluginIdentity(name: name, version: version, description: description)
    }

    /// Registers a runner for `source.kind == kind`.
    public mutating func runner(
        _ kind: String, description: String? = nil, validate: Validator? = nil, run: @escaping Runner
    ) {
        if runners[kind] == nil { order.runners.append(kind) }
        runners[kind] = (RunnerInfo(kind: kind, description: description), validate, run)
    }

    /// Registers a hook handling `events`.
    public mutating func hook(
        _ name: String, events: [HookEvent] = HookEvent.allCases, description: String? = nil,
        handle: @escaping Hook
    ) {
        if hooks[name] == nil { order.hooks.append(name) }
        hooks[name] = (HookInfo(name: name, events: events, description: description), handle)
    }

    /// Registers an infra check.
    public mutating func check(
        _ name: String, description: String? = nil, applies: Applies? = nil, run: @escaping Check
    ) {
        if checks[name] == nil { order.checks.append(name) }
        checks[name] = (CheckInfo(name: name, description: description), applies, run)
    }

    /// What `initialize` answers.
    public var provides: Provides {
        Provides(
            runners: order.runners.compactMap { runners[$0]?.info },
            hooks: order.hooks.compactMap { hooks[$0]?.info },
            checks: order.checks.compactMap { checks[$0]?.info })
    }

    /// Serves requests on stdin/stdout until stdin closes, then exits the process with status 0.
    public func serve() async -> Never {
        let output = OutputChannel.takeOverStdout()
        let server = PluginServer(plugin: self, output: output)
        await server.run(lines: StdinLines.stream())
        exit(0)
    }
}
