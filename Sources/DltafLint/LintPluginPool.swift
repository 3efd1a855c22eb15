import DltafManifest
import DltafPluginHost
import DltafRun
import Foundation

/// The plugins of one `manifest lint`: each distinct set of specs (per manifest folder, since relative search
/// paths are anchored there) is started once and serves every manifest that lists it, as the Python dltaf
/// imports a plugin module once per process. A monorepo of a thousand manifests of one plugin kind starts
/// that plugin once, not a thousand times.
actor LintPluginPool {
    /// Started plugins and what they provide; or why they could not be started.
    struct Session: Sendable {
        var plugins: PluginSet?
        var catalog: Catalog?
        var failure: RunError?
    }

    private let console: Console
    private let environment: [String: String]
    private let includeEnvironmentPlugins: Bool
    private let runID = "lint-" + UUID().uuidString.lowercased()
    private var sessions: [String: Task<Session, Never>] = [:]

    init(console: Console, environment: [String: String], includeEnvironmentPlugins: Bool) {
        self.console = console
        self.environment = environment
        self.includeEnvironmentPlugins = includeEnvironmentPlugins
    }

    /// The run id sent to plugins in calls' `context`.
    nonisolated var contextRunID: String { runID }

    /// The session for `manifest`'s specs, started on first use (concurrent callers wait for the same start).
    func session(for manifest: Manifest, specs: [PluginRegistryKind: [SpecEntry]]) async -> Session {
        let key =
            manifest.directory + "\u{0}"
            + PluginRegistryKind.allCases.map { kind in
                (specs[kind] ?? []).map(\.spec.description).joined(separator: ",")
            }.joined(separator: ";")
        if let started = sessions[key] { return await started.value }
        let task = Task { [console, environment, includeEnvironmentPlugins, runID] in
            await Self.start(
                manifest: manifest, specs: specs, console: console, environment: environment,
                includeEnvironmentPlugins: includeEnvironmentPlugins, runID: runID)
        }
        sessions[key] = task
        return await task.value
    }

    /// Stops every plugin started.
    func shutdownAll() async {
        for task in sessions.values {
            if let plugins = await task.value.plugins { _ = await plugins.shutdownAll() }
        }
        sessions = [:]
    }

    private static func start(
        manifest: Manifest, specs: [PluginRegistryKind: [SpecEntry]], console: Console, environment: [String: String],
        includeEnvironmentPlugins: Bool, runID: String
    ) async -> Session {
        var request = RunRequest(manifestPath: manifest.file, environment: environment)
        request.includeEnvironmentPlugins = includeEnvironmentPlugins
        do throws(RunError) {
            let setup = try PluginSet.Setup.forManifest(
                manifest, request: request, runID: runID, console: console, launcher: FoundationProcessLauncher(),
                hostVersion: DltafVersion.current, cancellation: RunCancellation(console: console))
            let plugins = try await PluginSet.start(specs: specs, setup: setup)
            do throws(RunError) {
                let catalog = try Catalog.build(
                    builtins: Builtins.all(console: console, environment: environment), plugins: plugins.handles)
                return Session(plugins: plugins, catalog: catalog)
            } catch {
                _ = await plugins.shutdownAll()
                throw error
            }
        } catch {
            return Session(failure: error)
        }
    }
}
