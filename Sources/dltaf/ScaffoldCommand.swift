import ArgumentParser
import DltafScaffold
import Foundation

extension Dltaf {
    /// `dltaf scaffold ...`.
    struct Scaffold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scaffold",
            abstract: "Generate the skeleton of a new plugin.",
            subcommands: [PluginCommand.self])
    }
}

extension Dltaf.Scaffold {
    /// `dltaf scaffold plugin NAME --lang L --kind K`.
    struct PluginCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plugin",
            abstract: "Generate a plugin folder: descriptor, source, test, README and an example manifest.",
            discussion: """
                The plugin is written to DIR/<spec segments as folders>/ (DIR defaults to plugins), so the spec \
                resolves when DIR is a DLTAF_PLUGIN_PATH entry. It uses the SDK of its language from the dltaf \
                checkout (--sdk-root, else DLTAF_SOURCE_ROOT, else the checkout dltaf was built from), passes \
                `dltaf plugins test NAME` as generated, and ships with its own test. The runner kind, hook name \
                or check name is the spec's last segment. See docs/scaffold.md.

                Examples:
                  dltaf scaffold plugin acme.export.orders --lang python --kind runner
                  dltaf scaffold plugin acme.audit.notify --lang node --kind hook --dir plugins
                  dltaf scaffold plugin acme.infra.db_port --lang bash --kind check --json

                Exit codes: 0 created, 1 a file could not be written, 2 bad input (spec, language, kind, an \
                existing folder without --force, no SDK found).
                """)

        @Argument(help: "The plugin's dotted spec, e.g. acme.export.orders.")
        var spec: String

        @Option(name: .customLong("lang"), help: "The language (required): swift, python, node or bash.")
        var language: String?

        @Option(name: .customLong("kind"), help: "What the plugin provides (required): runner, hook or check.")
        var kind: String?

        @Option(name: .customLong("dir"), help: "The DLTAF_PLUGIN_PATH folder to create the plugin under.")
        var directory = "plugins"

        @Flag(name: .customLong("force"), help: "Overwrite the generated files of an existing plugin folder.")
        var force = false

        @Flag(name: .customLong("json"), help: "Print {spec, folder, files, manifest} as JSON.")
        var json = false

        @Option(
            name: .customLong("sdk-root"),
            help: "The dltaf checkout whose plugin SDKs to use (default: DLTAF_SOURCE_ROOT, or the build's source).")
        var sdkRoot: String?

        func run() async throws {
            let language = try Self.choice(self.language, option: "--lang", as: ScaffoldLanguage.self)
            let kind = try Self.choice(self.kind, option: "--kind", as: ScaffoldKind.self)
            let request = ScaffoldRequest(
                spec: spec, language: language, kind: kind, directory: directory, force: force, sdkRoot: sdkRoot,
                workingDirectory: FileManager.default.currentDirectoryPath,
                environment: ProcessInfo.processInfo.environment,
                toolDirectory: Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path)
            let result: ScaffoldResult
            do {
                result = try Scaffolder(request: request).generate()
            } catch {
                Output.printError("error: \(error.description)")
                throw ExitCode(error.exitCode)
            }
            if json {
                Output.print(Output.prettyJSON(result.json))
            } else {
                Output.print(result.summary)
            }
        }

        /// Parses a required option naming one of `T`'s cases; exits 2 with the valid values otherwise.
        static func choice<T: CaseIterable & RawRepresentable<String>>(
            _ value: String?, option: String, as type: T.Type
        ) throws -> T {
            let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
            guard let value else {
                Output.printError("error: \(option) is required: one of \(valid)")
                throw ExitCode(2)
            }
            guard let parsed = T(rawValue: value.lowercased()) else {
                Output.printError("error: \(option) \(value) is not one of \(valid)")
                throw ExitCode(2)
            }
            return parsed
        }
    }
}
