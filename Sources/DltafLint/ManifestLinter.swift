import DltafClients
import DltafJSON
public import DltafManifest
import DltafPluginHost
import DltafProtocol
import DltafRun
import Foundation
import Synchronization

/// `dltaf manifest lint`: the schema and cross-section rules of every manifest, `depends_on` across them, and
/// the checks that need plugins (hook and check names, a plugin runner's own validate).
public struct ManifestLinter: Sendable {
    /// What to lint and how.
    public struct Options: Sendable {
        /// The manifest files, absolute, in report order.
        public var files: [String]
        /// Whether `files` are every manifest of a folder (`--manifests-dir`): depends_on targets not among
        /// them are missing.
        public var wholeFolder: Bool
        /// Schema strictness and the file-name rule.
        public var validation: ManifestValidator.Options
        /// Whether `DLT_*_PLUGINS` are read.
        public var includeEnvironmentPlugins = true
        /// Stop at the first manifest that fails.
        public var failFast = false
        /// dltaf's environment.
        public var environment: [String: String]
        /// How many manifests are checked at once.
        public var concurrency = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)

        /// Creates options.
        public init(
            files: [String], wholeFolder: Bool, validation: ManifestValidator.Options, environment: [String: String]
        ) {
            self.files = files
            self.wholeFolder = wholeFolder
            self.validation = validation
            self.environment = environment
        }
    }

    private let options: Options
    private let console: Console
    /// The names of the built-in hooks and checks (built once: building them reads the environment).
    private let builtinHooks: Set<String>
    private let builtinChecks: Set<String>

    /// Creates a linter; `console` receives plugin output (quiet by default).
    public init(options: Options, console: Console = Console(minimumLevel: .error, sink: { _ in })) {
        self.options = options
        self.console = console
        let builtins = Builtins.all(console: console)
        builtinHooks = Set(builtins.flatMap { $0.provides.hooks.map(\.name) })
        builtinChecks = Set(builtins.flatMap { $0.provides.checks.map(\.name) })
    }

    /// Lints every file.
    public func lint() async -> LintReport {
        if options.failFast {
            let pool = LintPluginPool(
                console: console, environment: options.environment,
                includeEnvironmentPlugins: options.includeEnvironmentPlugins)
            var items: [LintItem] = []
            for file in options.files {
                var item = await lintAlone(file)
                if let extra = await pluginFindings(for: item, session: nil, pool: pool) { item.findings += extra }
                items.append(sorted(item))
                if !item.ok { break }
            }
            await pool.shutdownAll()
            return LintReport(items: items)
        }
        var checked = await loadAndValidateAll()
        var graph = DependencyGraph()
        for entry in checked { if let session = entry.session { graph.add(session.manifest) } }
        let graphFindings = graph.check(wholeFolder: options.wholeFolder)
        for index in checked.indices {
            checked[index].item.findings += graphFindings[checked[index].item.file] ?? []
        }
        let pool = LintPluginPool(
            console: console, environment: options.environment,
            includeEnvironmentPlugins: options.includeEnvironmentPlugins)
        let pluginResults = await withTaskGroup(of: (Int, [ManifestDiagnostic]).self) { group in
            var next = 0
            var collected: [(Int, [ManifestDiagnostic])] = []
            func submit(_ index: Int) {
                let entry = checked[index]
                group.addTask {
                    (index, await pluginFindings(for: entry.item, session: entry.session, pool: pool) ?? [])
                }
            }
            while next < checked.count, next < 4 {
                submit(next)
                next += 1
            }
            for await result in group {
                collected.append(result)
                if next < checked.count {
                    submit(next)
                    next += 1
                }
            }
            return collected
        }
        await pool.shutdownAll()
        for (index, findings) in pluginResults { checked[index].item.findings += findings }
        return LintReport(items: checked.map { sorted($0.item) })
    }

    private struct Checked: Sendable {
        var item: LintItem
        /// The manifest and the redactor for everything it holds, when it loaded.
        var session: ManifestSession?
    }

    /// Loading and checking is CPU work without waits: `concurrentPerform` spreads it over every core, on
    /// Dispatch threads rather than the cooperative pool.
    private func loadAndValidateAll() async -> [Checked] {
        let files = options.files
        let width = max(1, options.concurrency)
        return await runBlocking { _ in
            let slots = Mutex<[Checked?]>(Array(repeating: nil, count: files.count))
            let chunk = max(1, (files.count + width - 1) / width)
            DispatchQueue.concurrentPerform(iterations: (files.count + chunk - 1) / chunk) { part in
                for index in (part * chunk)..<min(files.count, (part + 1) * chunk) {
                    let checked = loadAndValidate(files[index])
                    slots.withLock { $0[index] = checked }
                }
            }
            return slots.withLock { $0.compactMap { $0 } }
        }
    }

    private func loadAndValidate(_ file: String) -> Checked {
        do {
            var sessionOptions = ManifestSession.Options(path: file, environment: options.environment)
            sessionOptions.validation = nil  // Lint reports every finding instead of stopping at the errors.
            let session = try ManifestSession.open(sessionOptions)
            let manifest = session.manifest
            // A finding may quote a value; one written under a sensitive key elsewhere is never shown.
            let findings = (manifest.warnings + ManifestValidator.validate(manifest, options: options.validation))
                .map(session.redacted)
            return Checked(
                item: LintItem(file: manifest.file, pipeline: manifest.pipelineName, findings: findings),
                session: session)
        } catch {
            return Checked(
                item: LintItem(file: ManifestLoader.absolutePath(file), pipeline: nil, findings: error.diagnostics),
                session: nil)
        }
    }

    private func lintAlone(_ file: String) async -> LintItem {
        let checked = loadAndValidate(file)
        var item = checked.item
        if let manifest = checked.session?.manifest {
            var graph = DependencyGraph()
            graph.add(manifest)
            item.findings += graph.check(wholeFolder: false)[item.file] ?? []
        }
        return sorted(item)
    }

    private func sorted(_ item: LintItem) -> LintItem {
        var item = item
        item.findings =
            item.findings.filter { $0.severity == .error } + item.findings.filter { $0.severity == .warning }
        return item
    }

    /// Findings that need the plugin catalog: hook and check names, and a plugin runner's own validate. Plugins
    /// come from `pool`, started once per distinct set of specs; nil when the file does not load.
    /// What plugins say may quote anything they were given, so it passes through the session's redactor.
    private func pluginFindings(for item: LintItem, session: ManifestSession?, pool: LintPluginPool) async
        -> [ManifestDiagnostic]?
    {
        // A manifest with other errors still gets its runner's findings: every finding in one pass. Only a file
        // that does not load at all (YAML, version) has nothing to hand a runner.
        let opened: ManifestSession
        if let session {
            opened = session
        } else {
            var sessionOptions = ManifestSession.Options(path: item.file, environment: options.environment)
            sessionOptions.validation = nil
            guard let session = try? ManifestSession.open(sessionOptions) else { return nil }
            opened = session
        }
        return await catalogFindings(opened.manifest, pool: pool).map(opened.redacted)
    }

    private func catalogFindings(_ loaded: Manifest, pool: LintPluginPool) async -> [ManifestDiagnostic] {
        let kind = loaded.sourceKind ?? ""
        let specs: [PluginRegistryKind: [SpecEntry]]
        do {
            specs = try SpecSources.lists(
                manifest: loaded, environment: options.environment,
                includeEnvironment: options.includeEnvironmentPlugins)
        } catch {
            let message =
                error.inManifest
                ? error.invalid.description : "\(error.kind.environmentVariable): \(error.invalid.description)"
            return [loaded.diagnostic("plugin.invalid_spec", message, at: SpecSources.manifestPath(of: error.kind))]
        }
        let hasSpecs = specs.values.contains { !$0.isEmpty }
        if !hasSpecs, ManifestSchema.builtinSourceKinds.contains(kind) {
            // Nothing to start: the built-in names are all there is.
            return UnknownNames.findings(in: loaded, hooks: builtinHooks, checks: builtinChecks)
        }
        let session = await pool.session(for: loaded, specs: specs)
        guard let catalog = session.catalog else {
            guard let failure = session.failure else { return [] }
            let located = failure.diagnostics.filter { $0.severity == .error }
            return located.isEmpty
                ? [loaded.diagnostic("lint.\(failure.code)", failure.message, at: .root)] : located
        }
        var findings = UnknownNames.findings(in: loaded, hooks: catalog.hooks.nameSet, checks: catalog.checks.nameSet)
        guard !ManifestSchema.builtinSourceKinds.contains(kind) || catalog.runners[kind] != nil else { return findings }
        guard let runner = catalog.runners[kind] else {
            let available = catalog.runners.names
            let list = available.isEmpty ? "none (no runner plugin is listed)" : available.joined(separator: ", ")
            findings.append(
                loaded.diagnostic(
                    "runner.unknown_kind",
                    "no runner for source.kind \"\(kind)\"\(NameSelection.hint(for: kind, in: Set(available))); "
                        + "available kinds: \(list). List the runner's plugin in run.runners.plugins or "
                        + "DLT_RUNNER_PLUGINS", at: ["source", "kind"]))
            return findings
        }
        findings += await runnerValidate(loaded, kind: kind, provider: runner.provider, runID: pool.contextRunID)
        return findings
    }

    /// The runner's own `runner/validate`, as `dltaf exec --validate-only` calls it.
    private func runnerValidate(_ manifest: Manifest, kind: String, provider: Provider, runID: String) async
        -> [ManifestDiagnostic]
    {
        do throws(PluginFailure) {
            return try await provider.validate(
                kind: kind, manifest: manifest,
                context: CallContext.make(manifest: manifest, runID: runID, startedAt: Date(), mode: .validateOnly),
                timeout: RunRequest.defaultValidateTimeout)
        } catch {
            return [
                manifest.diagnostic(
                    "lint.runner_validate_failed", "the \(kind) runner could not validate: \(error.summary)",
                    at: ["source", "kind"])
            ]
        }
    }
}
