import ArgumentParser

extension Dltaf.ManifestGroup {
    /// `dltaf manifest doctor`: work in progress (issue 4).
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Find and fix migration issues in manifests.")
        func run() async throws { throw ValidationError("not built yet") }
    }
}
