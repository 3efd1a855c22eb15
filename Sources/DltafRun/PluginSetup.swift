import DltafManifest
import DltafPluginHost
import Foundation

extension PluginSet.Setup {
    /// How `manifest`'s plugins are started: searched from its folder, with its `run.plugin_settings`, the
    /// request's limits and, for `--locked`, the lock file beside it.
    package static func forManifest(
        _ manifest: Manifest, request: RunRequest, runID: String, console: Console, launcher: any ProcessLauncher,
        hostVersion: String, cancellation: RunCancellation, runnerEnvironment: [String: String] = [:]
    ) throws(RunError) -> PluginSet.Setup {
        let defaults = PluginSettings(limits: request.limits)
        let settings: [String: PluginSettings]
        do {
            settings = try PluginSettings.read(from: manifest, defaults: defaults)
        } catch {
            throw RunError.manifest(error)
        }
        return PluginSet.Setup(
            searchPath: PluginSearchPath(environment: request.environment, baseDirectory: manifest.directory),
            launcher: launcher, parentEnvironment: request.environment, runID: runID, console: console,
            defaults: defaults, settings: settings, workingDirectory: manifest.directory, hostVersion: hostVersion,
            cancellation: cancellation, runnerEnvironment: runnerEnvironment,
            lockFile: request.locked
                ? (manifest.directory as NSString).appendingPathComponent(PluginLock.fileName) : nil)
    }
}
