import ArgumentParser
import DltafLint
import DltafManifest
import DltafRun
import Foundation

extension Dltaf.ManifestGroup {
    /// `dltaf manifest lint`: the Python dltaf's lint, with located findings and concurrency.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check manifests: schema, naming, depends_on, hook and check names, the runner's validate.",
            discussion: """
                Each manifest gets one line, OK or FAIL, then its findings as file:line:column: message [at key]. \
                Manifests are checked concurrently; plugins are started only for manifests that list them, \
                once per lint for every manifest that lists the same specs.

                Checks: every key of manifest v1 (unknown keys are errors, with a suggestion), the naming rule \
                dlt__<source>__to__<destination>__<dataset> (the name must equal the file name), \
                airflow.dag_id = pipeline.name, depends_on (no self, no missing target, no cycle), the rules of \
                the built-in sqldb/mongodb kinds, and a plugin runner's own validate.

                Examples:
                  dltaf manifest lint --manifests-dir dlt_pipelines/manifests
                  dltaf manifest lint --manifest a.yaml --manifest b.yaml
                  dltaf manifest lint pipelines/ --quiet --allow-filename-mismatch
                  dltaf manifest lint pipelines/ --json | jq '.failed'

                Exit codes: 0 all passed, 1 at least one failed, 2 usage error (no such folder, no manifests).
                """)

        @Argument(
            help: ArgumentHelp(
                "Manifest files or folders (*.yaml, *.yml); instead of the options below.", valueName: "path"))
        var paths: [String] = []

        @Option(name: .customLong("manifests-dir"), help: "Folder of manifests (*.yaml, *.yml).")
        var manifestsDirectory: String = "dlt_pipelines/manifests"

        @Option(name: .customLong("manifest"), help: "A manifest file (repeatable); replaces --manifests-dir.")
        var manifests: [String] = []

        @Flag(name: .customLong("fail-fast"), help: "Stop at the first manifest that fails.")
        var failFast = false

        @Flag(name: .customLong("lenient-source"), help: "Allow unknown keys in the built-in source kinds' shapes.")
        var lenientSource = false

        @Flag(name: .customLong("allow-filename-mismatch"), help: "Do not require pipeline.name = file name.")
        var allowFilenameMismatch = false

        @Flag(name: .customLong("no-env-plugins"), help: "Ignore DLT_RUNNER_PLUGINS, DLT_HOOK_PLUGINS, ...")
        var noEnvironmentPlugins = false

        @Flag(name: .customLong("json"), help: "Print one JSON report instead of lines.")
        var json = false

        @Flag(name: .customLong("quiet"), help: "Print FAIL lines and their findings only.")
        var quiet = false

        func run() async throws {
            let started = ContinuousClock.now
            let (files, wholeFolder) = try collectFiles()
            var options = ManifestLinter.Options(
                files: files, wholeFolder: wholeFolder,
                validation: ManifestValidator.Options(
                    strictness: lenientSource ? .run : .lint, requireFilenameMatch: !allowFilenameMismatch),
                environment: ProcessInfo.processInfo.environment)
            options.failFast = failFast
            options.includeEnvironmentPlugins = !noEnvironmentPlugins
            let report = await ManifestLinter(options: options).lint()
            let redactor = ManifestSession.environmentRedactor(options.environment)
            if json {
                Output.print(Output.prettyJSON(redactor.redact(report.json)))
            } else {
                report.lines(redactor: redactor, quiet: quiet).forEach(Output.print)
                Output.printError(report.summary(elapsed: started.duration(to: .now)))
            }
            if report.failed > 0 { throw ExitCode(.runFailed) }
        }

        /// The files to lint, and whether they are whole folders (then depends_on targets must be among them).
        private func collectFiles() throws -> ([String], Bool) {
            let named = paths + manifests
            if named.isEmpty, !ManifestFiles.isFolder(manifestsDirectory) {
                Output.printError(
                    "error: manifests folder not found: \(ManifestLoader.absolutePath(manifestsDirectory))")
                throw ExitCode(.usageOrManifest)
            }
            let files = ManifestFiles.expand(named.isEmpty ? [manifestsDirectory] : named)
            guard !files.isEmpty else {
                Output.printError("error: no manifests found (*.yaml, *.yml)")
                throw ExitCode(.usageOrManifest)
            }
            return (files, manifests.isEmpty && paths.allSatisfy(ManifestFiles.isFolder))
        }
    }
}
