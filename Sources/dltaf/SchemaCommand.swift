import ArgumentParser

extension Dltaf.ManifestGroup {
    /// `dltaf manifest schema`: work in progress (issue 4).
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the JSON Schema of the manifest.")
        func run() async throws { throw ValidationError("not built yet") }
    }
}
