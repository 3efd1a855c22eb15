import ArgumentParser

extension Dltaf {
    /// `dltaf infra-checks ...`: work in progress (issue 4).
    struct InfraChecksGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "infra-checks", abstract: "List and run the online checks of a manifest.")
    }
}
