import ArgumentParser
import DltafJSON
import DltafManifest
import DltafRun
import Foundation

extension Dltaf.ManifestGroup {
    /// `dltaf manifest schema`: the JSON Schema (draft 2020-12) of manifest v1.
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the JSON Schema (draft 2020-12) of manifest v1.",
            discussion: """
                The schema comes from the same definition lint checks against, and accepts every manifest lint \
                accepts (rules across files, names and plugins stay in lint). Point your editor at it, for example \
                with the YAML language server: # yaml-language-server: $schema=manifest.schema.json

                Examples:
                  dltaf manifest schema > manifest.schema.json
                  dltaf manifest schema --lenient --out schemas/manifest-lenient.json

                Exit codes: 0 written, 2 the output file cannot be written.
                """)

        @Flag(name: .customLong("lenient"), help: "Allow unknown keys everywhere (common sections and sources).")
        var lenient = false

        @Flag(name: .customLong("lenient-source"), help: "Allow unknown keys in the built-in source kinds only.")
        var lenientSource = false

        @Option(name: .customLong("out"), help: "Write to this file (atomically) instead of stdout.")
        var output: String?

        func run() async throws {
            let strictness: SchemaStrictness = lenient ? .lenient : lenientSource ? .run : .lint
            let text = Output.prettyJSON(JSONSchemaExporter.schema(strictness: strictness))
            guard let output, output != "-" else { return Output.print(text) }
            do {
                try Output.writeAtomically(text, to: output)
            } catch {
                Output.printError("error: cannot write \(error)")
                throw ExitCode(.usageOrManifest)
            }
            Output.printError("wrote \(ManifestLoader.absolutePath(output))")
        }
    }
}
