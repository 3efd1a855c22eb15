import ArgumentParser

extension Dltaf.ManifestGroup {
    /// `dltaf manifest lint`: work in progress (issue 4).
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lint", abstract: "Check many manifests.")
        func run() async throws { throw ValidationError("not built yet") }
    }
}
