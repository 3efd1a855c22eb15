import ArgumentParser
import DltafRun
import Foundation

extension Dltaf {
    /// `dltaf manifest ...`.
    struct ManifestGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "manifest",
            abstract: "Inspect and run manifests.",
            subcommands: [Run.self, Lint.self, Schema.self, Doctor.self, Show.self])
    }
}

extension Dltaf.ManifestGroup {
    /// `dltaf manifest run --manifest M`: the Python dltaf's spelling of `dltaf exec M`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Same as `dltaf exec MANIFEST` (the Python dltaf's spelling).")

        @Option(name: .customLong("manifest"), help: "The manifest file (YAML).")
        var manifest: String

        @OptionGroup var options: RunOptions

        func run() async throws {
            try await options.execute(manifest: manifest)
        }
    }

    /// `dltaf manifest show M`: the manifest as plugins receive it.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the manifest after templating and --set, as plugins receive it.",
            discussion: """
                Metadata keys (catalog) are removed and ${ENV:...} placeholders resolved. Values of secrets
                (under keys such as password, token, api_key) are shown as ***redacted***.
                """)

        @Argument(help: "The manifest file (YAML).")
        var manifest: String

        @Option(name: .customLong("format"), help: "How to print the manifest.")
        var format: DocumentFormat = .yaml

        @Option(name: .customLong("set"), help: ArgumentHelp("Override a value (repeatable).", valueName: "path=value"))
        var overrides: [String] = []

        func run() async throws {
            var options = ManifestSession.Options(path: manifest, environment: ProcessInfo.processInfo.environment)
            options.overrides = overrides
            options.validation = nil  // Shows what it was given, valid or not.
            let session: ManifestSession
            do {
                session = try ManifestSession.open(options)
            } catch {
                Output.printError(error.description)
                throw ExitCode(.usageOrManifest)
            }
            session.shownWarnings.forEach(Output.printError)
            Output.print(format.render(session.shownManifest))
        }
    }
}
