import ArgumentParser
import DltafRun
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

        @Option(name: .customLong("lang"), help: "The language (required).")
        var language: Checked<ScaffoldLanguage>?

        @Option(name: .customLong("kind"), help: "What the plugin provides (required).")
        var kind: Checked<ScaffoldKind>?

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
            let language = try Self.required(self.language, option: "--lang")
            let kind = try Self.required(self.kind, option: "--kind")
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

        /// The value of a required option; exits 2 (not ArgumentParser's 64) with the valid values otherwise,
        /// as scaffold's other input errors do.
        static func required<T: CaseIterable & RawRepresentable<String> & ExpressibleByArgument>(
            _ option: Checked<T>?, option name: String
        ) throws -> T {
            let valid = T.allCases.map(\.rawValue).joined(separator: ", ")
            guard let option else {
                Output.printError("error: \(name) is required: one of \(valid)")
                throw ExitCode(.usageOrManifest)
            }
            guard let value = option.value else {
                Output.printError("error: \(name) \(option.text) is not one of \(valid)")
                throw ExitCode(.usageOrManifest)
            }
            return value
        }
    }
}
