public import DltafJSON
import DltafManifest
public import DltafPluginHost
public import DltafProtocol
import DltafRun
import Foundation

/// What `dltaf plugins which|describe|list` show: resolution and handshakes, outside of a run.
public struct PluginInspector: Sendable {
    /// dltaf's environment.
    public var environment: [String: String]
    /// The manifest whose folder anchors relative `DLTAF_PLUGIN_PATH` entries, and whose specs are listed.
    public var manifestPath: String?
    /// Whether `DLT_*_PLUGINS` are read.
    public var includeEnvironmentPlugins = true
    /// Process launcher.
    public var launcher: any ProcessLauncher = FoundationProcessLauncher()
    /// Limits for the handshake.
    public var limits = ConnectionLimits()

    /// Creates an inspector.
    public init(environment: [String: String], manifestPath: String?) {
        self.environment = environment
        self.manifestPath = manifestPath
    }

    /// The folder relative search-path entries and `./` specs resolve against.
    public var baseDirectory: String {
        guard let manifestPath else { return FileManager.default.currentDirectoryPath }
        return (ManifestLoader.absolutePath(manifestPath) as NSString).deletingLastPathComponent
    }

    /// The search path in effect.
    public var searchPath: PluginSearchPath {
        PluginSearchPath(environment: environment, baseDirectory: baseDirectory)
    }

    /// Every candidate tried for `spec`, and the winner.
    public func which(_ spec: String) throws(PluginSpec.Invalid) -> Resolution {
        PluginResolver.resolve(try PluginSpec(parsing: spec), in: searchPath)
    }

    /// What a handshake with one plugin returned.
    public struct Description: Sendable {
        /// How the spec resolved.
        public var resolution: Resolution
        /// The plugin's answer, if the handshake worked.
        public var handshake: InitializeResult?
        /// Why it did not.
        public var failure: String?
        /// Spawn to handshake answer.
        public var startupMilliseconds: Double?
        /// How the process ended after `shutdown`.
        public var exit: ProcessExit?
    }

    /// Starts the plugin `spec` resolves to, performs the handshake, and shuts it down.
    public func describe(_ spec: PluginSpec, console: Console) async -> Description {
        let resolution = PluginResolver.resolve(spec, in: searchPath)
        guard let plugin = resolution.resolved else {
            return Description(resolution: resolution, failure: resolution.failureMessage)
        }
        let runID = UUID().uuidString.lowercased()
        let connection = PluginConnection(
            plugin: plugin, launcher: launcher, limits: limits,
            events: PluginLog(label: spec.description, console: console).sink)
        let pluginEnvironment = PluginEnvironment.build(parent: environment, plugin: plugin, runID: runID)
        let started = ContinuousClock.now
        do throws(PluginFailure) {
            let launch: ProcessLaunch
            do {
                launch = try PluginEnvironment.launch(
                    for: plugin, environment: pluginEnvironment, workingDirectory: baseDirectory)
            } catch {
                throw PluginFailure(
                    plugin: spec.description, method: ProtocolMethod.initialize,
                    reason: .launchFailed(error.description))
            }
            let handshake = try await connection.start(
                launch: launch,
                params: InitializeParams(hostVersion: DltafVersion.current, spec: spec.description, runID: runID))
            let startup = started.duration(to: .now).milliseconds
            let exit = await connection.shutdown()
            return Description(
                resolution: resolution, handshake: handshake, startupMilliseconds: startup, exit: exit)
        } catch {
            let exit = await connection.shutdown()
            return Description(resolution: resolution, failure: error.description, exit: exit)
        }
    }

    /// Resolves every plugin of the manifest and records it in `dltaf-plugins.lock` next to the manifest,
    /// keeping the entries of other manifests in the same folder.
    ///
    /// - Returns: the lock file's path and the specs locked.
    public func lock() throws(PluginLock.Problem) -> (path: String, specs: [String]) {
        guard let manifestPath else { throw PluginLock.Problem(description: "lock needs --manifest") }
        let manifest: Manifest
        do {
            manifest = try ManifestLoader.load(path: manifestPath, environment: environment)
        } catch {
            throw PluginLock.Problem(description: error.description)
        }
        let specs: [PluginSpec]
        do {
            specs = SpecSources.distinct(
                try SpecSources.lists(
                    manifest: manifest, environment: environment, includeEnvironment: includeEnvironmentPlugins)
            ).map(\.spec)
        } catch {
            throw PluginLock.Problem(description: error.invalid.description)
        }
        let lockPath = (manifest.directory as NSString).appendingPathComponent(PluginLock.fileName)
        var lock = (try? PluginLock.read(from: lockPath)) ?? PluginLock()
        for spec in specs {
            let resolution = PluginResolver.resolve(spec, in: searchPath)
            guard let plugin = resolution.resolved else {
                throw PluginLock.Problem(description: resolution.failureMessage)
            }
            lock.plugins[spec.description] = try PluginLock.entry(for: plugin)
        }
        let text = JSONWriter(style: .pretty).string(lock.json) + "\n"
        do {
            try AtomicFile.write(Array(text.utf8), to: lockPath)
        } catch {
            throw PluginLock.Problem(description: "cannot write \(error)")
        }
        return (lockPath, specs.map(\.description))
    }

    /// One row of `dltaf plugins list`.
    public struct Row: Sendable {
        /// `runner`, `hook` or `check`.
        public var kind: String
        /// The runner kind, hook name or check name.
        public var name: String
        /// `builtin` or `plugin:<spec>`.
        public var origin: String
        /// The executable (or descriptor command).
        public var executable: String
        /// The protocol version agreed, nil for built-ins.
        public var protocolVersion: Int?
        /// The plugin's name and version.
        public var plugin: String?
        /// Hook events.
        public var events: [String]
        /// One line about it.
        public var description: String?

        /// The JSON form.
        public var json: JSONValue {
            var object: JSONObject = [
                "kind": .string(kind), "name": .string(name), "origin": .string(origin),
                "executable": .string(executable),
            ]
            object["protocol_version"] = protocolVersion.map { .int($0) } ?? .null
            if let plugin { object["plugin"] = .string(plugin) }
            if !events.isEmpty { object["events"] = .array(events.map { .string($0) }) }
            if let description { object["description"] = .string(description) }
            return .object(object)
        }
    }

    /// Every runner, hook and check: built-ins, then each listed plugin's; plus the specs that failed.
    public func list(console: Console) async -> (rows: [Row], errors: [String]) {
        var rows: [Row] = []
        let builtins = Builtins.all(console: console)
        for builtin in builtins {
            rows += Self.rows(
                builtin.provides, origin: "builtin", executable: "(built in)", protocolVersion: nil, plugin: nil)
        }
        var errors: [String] = []
        var manifestValue: Manifest?
        if let manifestPath {
            do {
                manifestValue = try ManifestLoader.load(path: manifestPath, environment: environment)
            } catch {
                errors.append(error.description)
            }
        }
        var specs: [(PluginSpec, Set<PluginRegistryKind>)] = []
        do {
            specs = SpecSources.distinct(
                try SpecSources.lists(
                    manifest: manifestValue, environment: environment, includeEnvironment: includeEnvironmentPlugins)
            ).map { ($0.spec, $0.registries) }
        } catch {
            errors.append(error.invalid.description)
        }
        let descriptions = await withTaskGroup(of: (Int, Description).self) { group in
            for (index, (spec, _)) in specs.enumerated() {
                group.addTask { (index, await describe(spec, console: console)) }
            }
            var collected: [(Int, Description)] = []
            for await item in group { collected.append(item) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        for ((spec, registries), description) in zip(specs, descriptions) {
            guard let handshake = description.handshake, let plugin = description.resolution.resolved else {
                errors.append(description.failure ?? "plugin \(spec) failed")
                continue
            }
            var provides = handshake.provides
            if !registries.contains(.runners) { provides.runners = [] }
            if !registries.contains(.hooks) { provides.hooks = [] }
            if !registries.contains(.checks) { provides.checks = [] }
            rows += Self.rows(
                provides, origin: "plugin:\(spec)", executable: plugin.commandLine,
                protocolVersion: handshake.protocolVersion,
                plugin: "\(handshake.plugin.name) \(handshake.plugin.version)")
        }
        return (rows, errors)
    }

    private static func rows(
        _ provides: Provides, origin: String, executable: String, protocolVersion: Int?, plugin: String?
    ) -> [Row] {
        provides.runners.map {
            Row(
                kind: "runner", name: $0.kind, origin: origin, executable: executable, protocolVersion: protocolVersion,
                plugin: plugin, events: [], description: $0.description)
        }
            + provides.hooks.map {
                Row(
                    kind: "hook", name: $0.name, origin: origin, executable: executable,
                    protocolVersion: protocolVersion,
                    plugin: plugin, events: $0.events.map(\.rawValue), description: $0.description)
            }
            + provides.checks.map {
                Row(
                    kind: "check", name: $0.name, origin: origin, executable: executable,
                    protocolVersion: protocolVersion,
                    plugin: plugin, events: [], description: $0.description)
            }
    }
}
