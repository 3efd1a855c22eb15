import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import Foundation

/// The checks of one manifest made ready for `dltaf infra-checks`: the manifest loaded and valid, only the
/// check plugins started (each on its own, so one that fails is reported while the others still serve, as the
/// Python dltaf's loader report does), and the catalog built with the built-ins first.
struct InfraCheckSession: CheckScope {
    var manifest: Manifest
    var catalog: Catalog
    var checkSelection: NameSelection
    /// Names in the manifest's selection that no provider has (only kept when a plugin failed to start:
    /// the name is probably that plugin's; otherwise they are a manifest error).
    var unknownSelected: [String]
    /// `{requested, results: [{plugin, ok, registered, error}], errors}`.
    var pluginReport: JSONValue
    /// The plugins that failed to start.
    var pluginErrors: [String]
    /// Every secret to hide in output: sensitive environment values and the manifest's sensitive values.
    var redactor: Redactor
    private var pluginSets: [PluginSet]

    /// Loads the manifest and starts its check plugins.
    ///
    /// - Throws: a configuration `RunError` (exit 2) for an invalid manifest, a malformed spec, a name
    ///   provided twice, or an unknown name in the manifest's selection.
    static func open(
        _ request: InfraCheckRequest, console: Console, launcher: any ProcessLauncher, hostVersion: String
    ) async throws(RunError) -> InfraCheckSession {
        var runRequest = RunRequest(manifestPath: request.manifestPath, environment: request.environment)
        runRequest.includeEnvironmentPlugins = request.includeEnvironmentPlugins
        runRequest.limits = request.limits
        // The one session redactor: environment secrets, the manifest's sensitive values and ${FILE:...} contents.
        let session = try PreparedRun.openSession(runRequest, console: console)
        let manifest = session.manifest
        let redactor = session.redactor
        let entries = try PreparedRun.specLists(for: manifest, request: runRequest)[.checks] ?? []
        let setup = try PluginSet.Setup.forManifest(
            manifest, request: runRequest, runID: UUID().uuidString.lowercased(), console: console, launcher: launcher,
            hostVersion: hostVersion, cancellation: request.cancellation ?? RunCancellation(console: console))
        let started = await startEach(distinct(entries), setup: setup)
        let sets = started.compactMap { try? $0.1.get() }
        do throws(RunError) {
            let catalog = try Catalog.build(
                builtins: Builtins.all(console: console, environment: request.environment),
                plugins: sets.flatMap(\.handles))
            let selection = NameSelection(manifest: manifest, section: ["run", "online_checks"])
            let unknown = UnknownNames.relevant(
                selection.apply(defaults: [], available: catalog.checks.nameSet).unknown, in: .onlineChecks)
            let failures = started.compactMap { spec, outcome -> String? in
                guard case .failure(let error) = outcome else { return nil }
                return "check plugin failed to load: \(spec) (\(error.message))"
            }
            if !unknown.isEmpty, failures.isEmpty {
                throw RunError.manifest(
                    ManifestError(
                        UnknownNames.findings(
                            unknown, in: .onlineChecks, of: manifest, available: catalog.checks.nameSet)))
            }
            let results: [JSONValue] = started.map { spec, outcome in
                switch outcome {
                case .success(let set):
                    let names: [JSONValue] = set.handles.flatMap { handle in
                        handle.handshake.provides.checks.map { JSONValue.string($0.name) }
                    }
                    return ["plugin": .string(spec), "ok": true, "registered": .array(names), "error": .null]
                case .failure(let error):
                    return ["plugin": .string(spec), "ok": false, "registered": [], "error": .string(error.message)]
                }
            }
            return InfraCheckSession(
                manifest: manifest, catalog: catalog, checkSelection: selection,
                unknownSelected: unknown.map(\.name),
                pluginReport: [
                    "requested": .array(started.map { .string($0.0) }), "results": .array(results),
                    "errors": .array(failures.map { .string($0) }),
                ],
                pluginErrors: failures, redactor: redactor, pluginSets: sets)
        } catch {
            for set in sets { _ = await set.shutdownAll() }
            throw error
        }
    }

    /// Stops every plugin.
    func close() async {
        await withTaskGroup(of: Void.self) { group in
            for set in pluginSets { group.addTask { _ = await set.shutdownAll() } }
        }
    }

    /// One entry per distinct spec, first listing first.
    private static func distinct(_ entries: [SpecEntry]) -> [[SpecEntry]] {
        var order: [PluginSpec] = []
        var grouped: [PluginSpec: [SpecEntry]] = [:]
        for entry in entries {
            if grouped[entry.spec] == nil { order.append(entry.spec) }
            grouped[entry.spec, default: []].append(entry)
        }
        return order.compactMap { grouped[$0] }
    }

    /// Starts each spec as its own plugin set, concurrently.
    private static func startEach(_ groups: [[SpecEntry]], setup: PluginSet.Setup) async
        -> [(String, Result<PluginSet, RunError>)]
    {
        await withTaskGroup(of: (Int, String, Result<PluginSet, RunError>).self) { group in
            for (index, entries) in groups.enumerated() {
                group.addTask {
                    let spec = entries.first?.spec.description ?? "?"
                    do throws(RunError) {
                        return (
                            index, spec, .success(try await PluginSet.start(specs: [.checks: entries], setup: setup))
                        )
                    } catch {
                        return (index, spec, .failure(error))
                    }
                }
            }
            var collected: [(Int, String, Result<PluginSet, RunError>)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
    }
}
