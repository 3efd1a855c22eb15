import ArgumentParser
import DltafConformance
import DltafInspect
import DltafPluginHost
import DltafProtocol
import DltafRun
import Foundation

extension Dltaf {
    /// `dltaf plugins ...`.
    struct PluginsGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plugins",
            abstract: "List, locate, describe, test and pin plugins.",
            discussion: """
                A spec is a dotted name (acme.export.runner) or a path (./x, /abs/x). A dotted name is looked up \
                in each DLTAF_PLUGIN_PATH folder as acme/export/runner (an executable) or \
                acme/export/runner/dltaf-plugin.json (a descriptor), then on PATH as \
                dltaf-plugin-acme-export-runner. See docs/plugins.md.
                """,
            subcommands: [List.self, Which.self, Describe.self, Lock.self, Test.self])
    }
}

/// Flags shared by the plugins subcommands.
struct InspectOptions: ParsableArguments {
    @Option(
        name: .customLong("manifest"),
        help: "Resolve relative DLTAF_PLUGIN_PATH entries against this manifest's folder.")
    var manifest: String?

    @Flag(name: .customLong("json"), help: "Print JSON.")
    var json = false

    var inspector: PluginInspector {
        PluginInspector(environment: ProcessInfo.processInfo.environment, manifestPath: manifest)
    }

    /// How `spec` resolves; a malformed spec is reported and ends the command with exit 2.
    func resolve(_ spec: String) throws -> Resolution {
        do {
            return try inspector.which(spec)
        } catch {
            Output.printError(error.description)
            throw ExitCode(.usageOrManifest)
        }
    }
}

extension Dltaf.PluginsGroup {
    /// `dltaf plugins list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every runner, hook and check: built-ins, then plugins from DLT_*_PLUGINS and the manifest.")

        @OptionGroup var options: InspectOptions

        @Flag(name: .customLong("no-env-plugins"), help: "Ignore DLT_*_PLUGINS.")
        var noEnvironmentPlugins = false

        func run() async throws {
            var inspector = options.inspector
            inspector.includeEnvironmentPlugins = !noEnvironmentPlugins
            let (rows, errors) = await inspector.list(console: Console(minimumLevel: .warning))
            if options.json {
                Output.print(Output.prettyJSON(PluginInspector.json(rows, errors: errors)))
            } else {
                Output.print(PluginInspector.table(rows))
                for error in errors { Output.printError("error: " + error) }
            }
            if !errors.isEmpty { throw ExitCode(.usageOrManifest) }
        }
    }

    /// `dltaf plugins which SPEC`.
    struct Which: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "which",
            abstract: "Show how a spec resolves: each candidate tried, the winner, and the shadowed ones.")

        @Argument(help: "A plugin spec, e.g. acme.export.runner or ./plugins/x.")
        var spec: String

        @OptionGroup var options: InspectOptions

        func run() async throws {
            let resolution = try options.resolve(spec)
            Output.print(options.json ? Output.prettyJSON(resolution.json) : resolution.report)
            if resolution.resolved == nil { throw ExitCode(.runFailed) }
        }
    }

    /// `dltaf plugins describe SPEC`.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe", abstract: "Start a plugin, perform the handshake, and print what it provides.")

        @Argument(help: "A plugin spec.")
        var spec: String

        @OptionGroup var options: InspectOptions

        func run() async throws {
            let parsed: PluginSpec
            do {
                parsed = try PluginSpec(parsing: spec)
            } catch {
                Output.printError(error.description)
                throw ExitCode(.usageOrManifest)
            }
            let description = await options.inspector.describe(parsed, console: Console(minimumLevel: .warning))
            guard let report = description.report, let json = description.json else {
                Output.printError(description.failure ?? "failed")
                throw ExitCode(.runFailed)
            }
            Output.print(options.json ? Output.prettyJSON(json) : report)
        }
    }
}

extension Dltaf.PluginsGroup {
    /// `dltaf plugins lock --manifest M`.
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lock",
            abstract: "Record each plugin's real path and sha256 in dltaf-plugins.lock next to the manifest.",
            discussion: """
                Run it after reviewing a plugin change and commit the lock file. `dltaf exec --locked` then refuses
                any plugin whose files no longer match. Entries of other manifests in the same folder are kept.
                """)

        @Option(name: .customLong("manifest"), help: "The manifest whose plugins to lock (repeatable).")
        var manifests: [String] = []

        @Flag(name: .customLong("no-env-plugins"), help: "Ignore DLT_*_PLUGINS.")
        var noEnvironmentPlugins = false

        func validate() throws {
            guard !manifests.isEmpty else { throw ValidationError("give at least one --manifest.") }
        }

        func run() async throws {
            for manifest in manifests {
                var inspector = PluginInspector(
                    environment: ProcessInfo.processInfo.environment, manifestPath: manifest)
                inspector.includeEnvironmentPlugins = !noEnvironmentPlugins
                do {
                    let (path, specs) = try inspector.lock()
                    Output.print("locked \(specs.count) plugin(s) of \(manifest) in \(path)")
                } catch {
                    Output.printError("error: \(error.description)")
                    throw ExitCode(.usageOrManifest)
                }
            }
        }
    }
}

extension Dltaf.PluginsGroup {
    /// `dltaf plugins test SPEC`: the conformance kit.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract:
                "Check that a plugin speaks the protocol correctly: a pass or fail per scenario, with the reason.",
            discussion: """
                Scenarios: handshake and what it advertises, handshake time, protocol version mismatch, calls before
                the handshake, unknown methods, each advertised runner (validate and run), an empty manifest
                rejected with a located diagnostic, each hook event, each check, a secret never echoed, cancel,
                exit on stdin EOF, exit on SIGTERM, a clean stdout, and a terminal response for every request.
                Calls use a synthetic manifest whose folder is a temporary directory.

                --baseline FILE lists scenarios known to fail (one per line, # comments). They do not fail the
                run, but one that starts passing does, so the baseline stays current. Exit 0 only if all pass.
                """)

        @Argument(help: "A plugin spec, e.g. samples.python.audit_hook or ./plugins/x.")
        var spec: String

        @OptionGroup var options: InspectOptions

        @Option(name: .customLong("baseline"), help: "A file of scenario names expected to fail.")
        var baseline: String?

        func run() async throws {
            let inspector = options.inspector
            let resolution = try options.resolve(spec)
            guard let plugin = resolution.resolved else {
                Output.printError(resolution.failureMessage)
                throw ExitCode(.usageOrManifest)
            }
            let known: Set<String>
            do {
                known = try baseline.map(ConformanceReport.readBaseline) ?? []
            } catch {
                Output.printError("cannot read the baseline \(baseline ?? ""): \(error.localizedDescription)")
                throw ExitCode(.usageOrManifest)
            }
            let report = await ConformanceKit(plugin: plugin, environment: inspector.environment).run()
            if options.json {
                Output.print(Output.prettyJSON(report.json(baseline: known)))
            } else {
                Output.print(report.text(baseline: known, commandLine: plugin.commandLine))
            }
            if !report.succeeded(baseline: known) { throw ExitCode(.runFailed) }
        }
    }
}
