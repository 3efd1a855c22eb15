import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation

/// The plugin processes of one run: resolved, started and handshaken together, stopped together.
package final class PluginSet: Sendable {
    package let handles: [PluginHandle]
    private let console: Console

    private init(handles: [PluginHandle], console: Console) {
        self.handles = handles
        self.console = console
    }

    /// What is needed to start plugins.
    package struct Setup: Sendable {
        var searchPath: PluginSearchPath
        var launcher: any ProcessLauncher
        var parentEnvironment: [String: String]
        var runID: String
        var console: Console
        /// Settings for plugins not named under `run.plugin_settings`.
        var defaults: PluginSettings
        /// `run.plugin_settings`, by spec.
        var settings: [String: PluginSettings]
        var workingDirectory: String?
        var hostVersion: String
        var cancellation: RunCancellation
        /// Variables resolved from `connections`, granted to the plugins listed as runners (and to no other
        /// plugin); a variable granted under `run.plugin_settings.<spec>.env` wins over one of the same name.
        var runnerEnvironment: [String: String] = [:]
        /// When set, every resolved plugin must match this lock file.
        var lockFile: String?
    }

    /// Resolves every spec, then starts each distinct plugin once (concurrently) and performs its handshake.
    ///
    /// - Throws: a configuration `RunError` (exit 2) naming every spec that did not resolve, or a run
    ///   `RunError` (exit 1) for a plugin that failed to start.
    package static func start(specs: [PluginRegistryKind: [SpecEntry]], setup: Setup) async throws(RunError)
        -> PluginSet
    {
        var order: [PluginSpec] = []
        var registries: [PluginSpec: Set<PluginRegistryKind>] = [:]
        var origins: [PluginSpec: [String]] = [:]
        for kind in PluginRegistryKind.allCases {
            for entry in specs[kind] ?? [] {
                if registries[entry.spec] == nil { order.append(entry.spec) }
                registries[entry.spec, default: []].insert(kind)
                origins[entry.spec, default: []].append(entry.origin.description)
            }
        }
        var resolved: [ResolvedPlugin] = []
        var missing: [String] = []
        for spec in order {
            let resolution = PluginResolver.resolve(spec, in: setup.searchPath)
            if let plugin = resolution.resolved {
                resolved.append(plugin)
            } else {
                let listed = (origins[spec] ?? []).joined(separator: ", ")
                missing.append(resolution.failureMessage + "\n  (listed in \(listed))")
            }
        }
        guard missing.isEmpty else {
            throw RunError(
                .config, code: "plugin_not_found", message: missing.joined(separator: "\n"), exitCode: .usageOrManifest)
        }
        if let lockFile = setup.lockFile { try verify(resolved, against: lockFile) }
        let registriesBySpec = registries
        let originsBySpec = origins
        let plugins = resolved
        let outcomes = await withTaskGroup(of: (Int, Result<PluginHandle, PluginFailure>).self) { group in
            for (index, plugin) in plugins.enumerated() {
                group.addTask {
                    let result = await startOne(
                        plugin, registries: registriesBySpec[plugin.spec] ?? [],
                        origins: originsBySpec[plugin.spec] ?? [],
                        setup: setup)
                    return (index, result)
                }
            }
            var collected: [(Int, Result<PluginHandle, PluginFailure>)] = []
            for await outcome in group { collected.append(outcome) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var handles: [PluginHandle] = []
        var failures: [PluginFailure] = []
        for outcome in outcomes {
            switch outcome {
            case .success(let handle): handles.append(handle)
            case .failure(let failure): failures.append(failure)
            }
        }
        guard failures.isEmpty else {
            _ = await PluginSet(handles: handles, console: setup.console).shutdownAll()
            let timeout = failures.contains(where: \.isTimeout)
            throw RunError(
                timeout ? .timeout : .unknown, code: timeout ? "plugin_timeout" : "plugin_start_failed",
                message: failures.map(\.description).joined(separator: "\n"), exitCode: .runFailed)
        }
        return PluginSet(handles: handles, console: setup.console)
    }

    /// Refuses plugins that changed since `dltaf plugins lock` (`--locked`).
    private static func verify(_ plugins: [ResolvedPlugin], against lockFile: String) throws(RunError) {
        func refuse(_ problem: PluginLock.Problem) -> RunError {
            RunError(.config, code: "plugin_lock_mismatch", message: problem.description, exitCode: .usageOrManifest)
        }
        let lock: PluginLock
        do {
            lock = try PluginLock.read(from: lockFile)
        } catch {
            throw refuse(error)
        }
        for plugin in plugins {
            do {
                try lock.verify(plugin, lockPath: lockFile)
            } catch {
                throw refuse(error)
            }
        }
    }

    private static func startOne(
        _ plugin: ResolvedPlugin, registries: Set<PluginRegistryKind>, origins: [String], setup: Setup
    ) async -> Result<PluginHandle, PluginFailure> {
        let label = plugin.spec.description
        let settings = setup.settings[label] ?? setup.defaults
        let log = PluginLog(label: label, console: setup.console)
        let connection = PluginConnection(
            plugin: plugin, launcher: setup.launcher, limits: settings.limits, events: log.sink)
        setup.cancellation.register(connection)
        let granted =
            registries.contains(.runners)
            ? setup.runnerEnvironment.merging(settings.environment) { _, explicit in explicit } : settings.environment
        let environment = PluginEnvironment.build(
            parent: setup.parentEnvironment, plugin: plugin, runID: setup.runID, granted: granted,
            inheritAll: settings.inheritEnvironment)
        let launch: ProcessLaunch
        do {
            launch = try PluginEnvironment.launch(
                for: plugin, environment: environment, workingDirectory: setup.workingDirectory)
        } catch {
            return .failure(
                PluginFailure(
                    plugin: label, method: ProtocolMethod.initialize, reason: .launchFailed(error.description)))
        }
        let params = InitializeParams(
            hostVersion: setup.hostVersion, spec: label, runID: setup.runID, maxLineBytes: settings.limits.maxLineBytes)
        let started = ContinuousClock.now
        do {
            let handshake = try await connection.start(launch: launch, params: params)
            let startup = started.duration(to: .now).milliseconds
            setup.console.log(
                .debug, source: label,
                "started \(handshake.plugin.name) \(handshake.plugin.version) (protocol \(handshake.protocolVersion)) "
                    + "in \(Int(startup))ms")
            return .success(
                PluginHandle(
                    connection: connection, handshake: handshake, registries: registries, settings: settings, log: log,
                    origins: origins, startupMilliseconds: startup))
        } catch {
            await connection.shutdown()
            log.finish()
            return .failure(error)
        }
    }

    /// Stops every plugin (concurrently) and reports what each did; then ends any process the plugins left.
    ///
    /// - Parameter announce: print every step (after a cancel), not only escalations.
    package func shutdownAll(announce: Bool = false) async -> [PluginReport] {
        let reports = await withTaskGroup(of: (Int, PluginReport).self) { group in
            for (index, handle) in handles.enumerated() {
                group.addTask {
                    let exit = await handle.connection.shutdown(announce: announce)
                    handle.log.finish()
                    return (index, handle.report(exit: exit))
                }
            }
            var reports: [(Int, PluginReport)] = []
            for await report in group { reports.append(report) }
            return reports.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // Leaders whose exit Foundation has not reported are still Foundation's to reap.
        let unreaped = Set(handles.compactMap { $0.connection.exitStatus == nil ? $0.connection.pid : nil })
        let orphans = OrphanReaper.killAndReap(keeping: unreaped)
        if !orphans.isEmpty {
            console.log(
                .warning, source: "dltaf", "ended \(orphans.count) process(es) left behind by plugins: \(orphans)")
        }
        return reports
    }
}
