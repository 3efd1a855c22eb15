import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import Foundation

/// A run made ready: the manifest loaded and valid, plugins started, names resolved and selected.
struct PreparedRun: Sendable {
    var manifest: Manifest
    var plugins: PluginSet
    var catalog: Catalog
    var runnerKind: String
    var selectedHooks: [String]
    var checkSelection: NameSelection
    /// The variables resolved from `connections`: the runner receives them (and only it).
    var secrets: [String: String] = [:]

    /// The built-in hooks active when a manifest says nothing.
    static let defaultHooks = ["log"]

    /// Opens the request's manifest session: loads the manifest, applies overrides and validates it (no plugin
    /// is started); `console` hides each secret from the moment it is known.
    static func openSession(_ request: RunRequest, console: Console) throws(RunError) -> ManifestSession {
        var options = ManifestSession.Options(path: request.manifestPath, environment: request.environment)
        options.overrides = request.overrides
        options.writeDisposition = request.writeDisposition
        return try ManifestSession.open(options, onRedactor: console.setRedactor)
    }

    /// The merged spec lists of the three registries for `manifest`.
    static func specLists(for manifest: Manifest, request: RunRequest) throws(RunError)
        -> [PluginRegistryKind: [SpecEntry]]
    {
        do {
            return try SpecSources.lists(
                manifest: manifest, environment: request.environment,
                includeEnvironment: request.includeEnvironmentPlugins)
        } catch {
            let message =
                error.inManifest
                ? error.invalid.description : "\(error.kind.environmentVariable): \(error.invalid.description)"
            throw RunError.manifest(
                ManifestError(
                    error.inManifest
                        ? manifest.diagnostic(
                            "plugin.invalid_spec", message, at: SpecSources.manifestPath(of: error.kind))
                        : ManifestDiagnostic(
                            code: "plugin.invalid_spec", message: message, file: "(environment)", mark: nil, path: nil))
            )
        }
    }

    /// Starts the plugins and resolves the runner, hooks and checks.
    static func prepare(
        manifest: Manifest, request: RunRequest, runID: String, console: Console, launcher: any ProcessLauncher,
        hostVersion: String, cancellation: RunCancellation, secrets: [String: String] = [:]
    ) async throws(RunError) -> PreparedRun {
        let specs = try specLists(for: manifest, request: request)
        let setup = try PluginSet.Setup.forManifest(
            manifest, request: request, runID: runID, console: console, launcher: launcher, hostVersion: hostVersion,
            cancellation: cancellation, runnerEnvironment: secrets)
        let plugins = try await PluginSet.start(specs: specs, setup: setup)
        do throws(RunError) {
            // Built-in checks (postgres, env) see the resolved connections, as the runner does.
            let builtins = Builtins.all(
                console: console, environment: request.environment.merging(secrets) { _, resolved in resolved })
            let catalog = try Catalog.build(builtins: builtins, plugins: plugins.handles)
            let runnerKind = try resolveRunner(manifest: manifest, catalog: catalog, mode: request.mode)
            let hookSelection = NameSelection(manifest: manifest, section: ["run", "hooks"])
            let hookNames = catalog.hooks.nameSet
            let hooks = hookSelection.apply(defaults: defaultHooks.filter(hookNames.contains), available: hookNames)
            let checkSelection = NameSelection(manifest: manifest, section: ["run", "online_checks"])
            let checkNames = catalog.checks.nameSet
            let findings =
                UnknownNames.findings(hooks.unknown, in: .hooks, of: manifest, available: hookNames)
                + UnknownNames.findings(
                    checkSelection.apply(defaults: [], available: checkNames).unknown, in: .onlineChecks,
                    of: manifest, available: checkNames)
            guard findings.isEmpty else { throw RunError.manifest(ManifestError(findings)) }
            return PreparedRun(
                manifest: manifest, plugins: plugins, catalog: catalog, runnerKind: runnerKind,
                selectedHooks: hooks.selected, checkSelection: checkSelection, secrets: secrets)
        } catch {
            _ = await plugins.shutdownAll()
            throw error
        }
    }

    /// The runner kind of `manifest`; it must be served, except that a plan or dry run of a kind the schema knows
    /// (sqldb, mongodb, ...) goes on without one, so that teams can plan and check before a runner is installed.
    private static func resolveRunner(manifest: Manifest, catalog: Catalog, mode: RunRequest.Mode) throws(RunError)
        -> String
    {
        let kind = manifest.sourceKind ?? ""
        guard catalog.runners[kind] == nil else { return kind }
        if mode.isPlanMode, ManifestSchema.builtinSourceKinds.contains(kind) { return kind }
        let available = catalog.runners.names
        let hint = NameSelection.hint(for: kind, in: Set(available))
        let list = available.isEmpty ? "none (no runner plugin is listed)" : available.joined(separator: ", ")
        throw RunError.manifest(
            ManifestError(
                manifest.diagnostic(
                    "runner.unknown_kind",
                    "no runner for source.kind \"\(kind)\"\(hint); available kinds: \(list). "
                        + "List the runner's plugin in run.runners.plugins or DLT_RUNNER_PLUGINS",
                    at: ["source", "kind"])))
    }

    /// The config mapping of a hook or check (`run.<section>.config.<name>`).
    func config(section: String, name: String) -> JSONValue {
        manifest.value(at: ["run", section, "config", name]) ?? .object(JSONObject())
    }
}
