import ArgumentParser
import DltafPluginHost
import DltafRun
import Foundation

/// The `dltaf` command: run manifest-driven data loads with plugins written in any language.
@main
struct Dltaf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dltaf",
        abstract: "Run manifest-driven data loads whose runners, hooks and checks are plugins in any language.",
        discussion: """
            A manifest (YAML, version: 1) names a pipeline, its source.kind and the plugins that serve it. \
            dltaf resolves each plugin spec to an executable, starts it, and talks to it over JSON lines \
            (protocol/PROTOCOL.md).

            Start here:
              dltaf exec samples/manifests/hello.yaml       run a manifest
              dltaf exec M.yaml --plan                      show what would run
              dltaf plugins list --manifest M.yaml          runners, hooks and checks
              dltaf plugins which acme.export.runner        how a spec resolves
              dltaf plugins test acme.export.runner         conformance scenarios
              dltaf scaffold plugin acme.x --lang python --kind runner

            Exit codes: 0 success, 1 run failed, 2 usage or manifest error, 3 checks failed, 130 cancelled.
            """,
        version: DltafVersion.current,
        subcommands: [
            Exec.self, ManifestGroup.self, PluginsGroup.self, InfraChecksGroup.self, RunsGroup.self, StateGroup.self,
            Scaffold.self,
        ]
    )

    static func main() async {
        // A plugin that dies while dltaf writes to it must not kill dltaf with SIGPIPE.
        FoundationProcessLauncher.ignoreSIGPIPE()
        // Orphaned descendants of plugins come back to dltaf, which ends them after each run.
        OrphanReaper.becomeSubreaper()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // A usage error exits 2, as the Python dltaf's argparse does and `--help` says (ArgumentParser: 64).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(DltafExitCode.usageOrManifest.rawValue)
            }
            exit(withError: error)
        }
    }
}
