import ArgumentParser
import DltafConformance
import DltafJSON
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
            throw ExitCode(2)
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
                Output.print(
                    Output.prettyJSON(
                        ["extensions": .array(rows.map(\.json)), "errors": .array(errors.map { .string($0) })]))
            } else {
                let table =
                    [["KIND", "NAME", "ORIGIN", "PROTOCOL", "EXECUTABLE"]]
                    + rows.map {
                        [$0.kind, $0.name, $0.origin, $0.protocolVersion.map(String.init) ?? "-", $0.executable]
                    }
                Output.print(TextTable.render(table))
                for error in errors { Output.printError("error: " + error) }
            }
            if !errors.isEmpty { throw ExitCode(2) }
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
            if options.json {
                Output.print(Output.prettyJSON(Self.json(resolution)))
            } else {
                var lines = ["spec: \(resolution.spec)"]
                if let name = resolution.spec.installedName { lines.append("installed name: \(name)") }
                lines.append("candidates, in search order:")
                for candidate in resolution.candidates {
                    lines.append("  \(Self.marker(candidate.verdict)) \(candidate.path)  [\(candidate.source)]")
                }
                if let resolved = resolution.resolved {
                    lines.append("resolved: \(resolved.location) (\(resolved.delivery.rawValue))")
                    lines.append("command: \(resolved.commandLine)")
                } else {
                    lines.append("not found")
                }
                Output.print(lines.joined(separator: "\n"))
            }
            if resolution.resolved == nil { throw ExitCode(1) }
        }

        static func marker(_ verdict: ResolutionCandidate.Verdict) -> String {
            switch verdict {
            case .selected: return "selected      "
            case .shadowed: return "shadowed      "
            case .notFound: return "not found     "
            case .notExecutable: return "not executable"
            case .skipped(let reason): return "skipped (\(reason))"
            case .invalid(let reason): return "invalid (\(reason))"
            }
        }

        static func json(_ resolution: Resolution) -> JSONValue {
            var object: JSONObject = [
                "spec": .string(resolution.spec.description),
                "candidates": .array(
                    resolution.candidates.map { candidate in
                        var entry: JSONObject = ["path": .string(candidate.path), "source": .string(candidate.source)]
                        switch candidate.verdict {
                        case .selected: entry["verdict"] = "selected"
                        case .shadowed: entry["verdict"] = "shadowed"
                        case .notFound: entry["verdict"] = "not_found"
                        case .notExecutable: entry["verdict"] = "not_executable"
                        case .skipped(let reason):
                            entry["verdict"] = "skipped"
                            entry["reason"] = .string(reason)
                        case .invalid(let reason):
                            entry["verdict"] = "invalid"
                            entry["reason"] = .string(reason)
                        }
                        return .object(entry)
                    }),
            ]
            if let name = resolution.spec.installedName { object["installed_name"] = .string(name) }
            if let resolved = resolution.resolved {
                object["resolved"] = [
                    "location": .string(resolved.location), "delivery": .string(resolved.delivery.rawValue),
                    "command": .array(([resolved.executable] + resolved.arguments).map { .string($0) }),
                ]
            } else {
                object["resolved"] = .null
            }
            return .object(object)
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
                throw ExitCode(2)
            }
            let description = await options.inspector.describe(parsed, console: Console(minimumLevel: .warning))
            guard let handshake = description.handshake, let resolved = description.resolution.resolved else {
                Output.printError(description.failure ?? "failed")
                throw ExitCode(1)
            }
            if options.json {
                var object = handshake.json.objectValue ?? JSONObject()
                object["spec"] = .string(parsed.description)
                object["executable"] = .string(resolved.commandLine)
                object["delivery"] = .string(resolved.delivery.rawValue)
                object["startup_ms"] = .double(((description.startupMilliseconds ?? 0) * 1000).rounded() / 1000)
                object["exit"] = description.exit.map { .string($0.description) } ?? .null
                Output.print(Output.prettyJSON(.object(object)))
                return
            }
            var lines = [
                "\(handshake.plugin.name) \(handshake.plugin.version)"
                    + (handshake.plugin.description.map { " — \($0)" } ?? ""),
                "spec: \(parsed)", "executable: \(resolved.commandLine) (\(resolved.delivery.rawValue))",
                "protocol: \(handshake.protocolVersion)",
                "handshake: \(((description.startupMilliseconds ?? 0) * 10).rounded() / 10) ms",
            ]
            for runner in handshake.provides.runners {
                lines.append("runner  \(runner.kind)\(Self.about(runner.description))")
            }
            for hook in handshake.provides.hooks {
                lines.append(
                    "hook    \(hook.name) [\(hook.events.map(\.rawValue).joined(separator: ", "))]\(Self.about(hook.description))"
                )
            }
            for check in handshake.provides.checks {
                lines.append("check   \(check.name)\(Self.about(check.description))")
            }
            Output.print(lines.joined(separator: "\n"))
        }

        static func about(_ description: String?) -> String {
            description.map { " — \($0)" } ?? ""
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
                    throw ExitCode(2)
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
                throw ExitCode(2)
            }
            let known: Set<String>
            do {
                known = try baseline.map(ConformanceReport.readBaseline) ?? []
            } catch {
                Output.printError("cannot read the baseline \(baseline ?? ""): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            let report = await ConformanceKit(plugin: plugin, environment: inspector.environment).run()
            if options.json {
                Output.print(Output.prettyJSON(report.json(baseline: known)))
            } else {
                var lines = ["dltaf plugins test \(report.spec)  (\(plugin.commandLine))"]
                let verdicts = report.verdicts(baseline: known)
                let width = verdicts.map(\.0.name.count).max() ?? 0
                for (result, verdict) in verdicts {
                    let label: String
                    switch verdict {
                    case .pass: label = "PASS "
                    case .fail: label = "FAIL "
                    case .knownFailure: label = "KNOWN"
                    case .stale: label = "STALE"
                    }
                    let name = result.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    lines.append("  \(label) \(name)  \(result.detail)")
                }
                let passed = verdicts.filter { $0.1 == .pass }.count
                let failed = verdicts.filter { $0.1 == .fail || $0.1 == .stale }.count
                lines.append(
                    "conformance of \(report.spec): \(passed) of \(verdicts.count) scenarios passed, \(failed) failing")
                Output.print(lines.joined(separator: "\n"))
            }
            if !report.succeeded(baseline: known) { throw ExitCode(1) }
        }
    }
}

/// Left-aligned text columns.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
