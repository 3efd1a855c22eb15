import ArgumentParser

extension Dltaf {
    /// `dltaf exec MANIFEST`: the main command.
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exec",
            abstract: "Run a manifest: validate, check, run hooks and the runner, report the result.",
            discussion: """
                Order: load and template the manifest, apply --set, validate (including the runner's own \
                validate), run the selected online checks, pre_run hooks in order (a hook may veto), the runner, \
                then post_run hooks in reverse order on success or on_error hooks in reverse order on failure.

                Plugin logs stream live to stderr. With --json, stdout holds only the result document.

                Examples:
                  dltaf exec samples/manifests/hello.yaml
                  dltaf exec M.yaml --json > result.json
                  dltaf exec M.yaml --set run.write_disposition=append --set source.limit=10
                  DLT_RUNNER_PLUGINS=acme.export.runner dltaf exec M.yaml
                """)

        @Argument(help: "The manifest file (YAML).")
        var manifest: String

        @OptionGroup var options: RunOptions

        func run() async throws {
            try await options.execute(manifest: manifest)
        }
    }
}
