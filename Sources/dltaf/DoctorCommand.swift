import ArgumentParser
import DltafDoctor
import DltafManifest
import DltafRun
import Foundation

extension Dltaf.ManifestGroup {
    /// `dltaf manifest doctor`: find and fix migration issues in manifests, keeping comments and layout.
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Find and fix migration issues in manifests, keeping comments and layout.",
            discussion: """
                Checks each manifest for the Python doctor's issues (version, pipeline.name and airflow.dag_id \
                against the file name, legacy SQL kinds, sqldb layout, BIN strategies, PKB settings) and for \
                YAML 1.1 booleans (yes/no/on/off where a boolean is expected). Each issue is FIX (--apply fixes \
                it), WARN or ERROR, with file:line:column and the key path. --apply edits only the bytes of the \
                values it changes (or adds one line), checks that the result loads and means what was intended, \
                and replaces the file atomically; comments, quotes and blank lines stay. See docs/doctor.md.

                Examples:
                  # every *.yaml and *.yml in dlt_pipelines/manifests
                  dltaf manifest doctor
                  # fix one manifest in place
                  dltaf manifest doctor --manifest m/orders.yaml --apply
                  # CI gate: exit 1 on any issue
                  dltaf manifest doctor --manifests-dir m --check
                  # machine-readable report
                  dltaf manifest doctor --manifest m/orders.yaml --json
                  # start a new manifest
                  dltaf manifest doctor --template-kind sqldb_catalog \\
                      --pipeline-name dlt__pg__to__ch__raw --out m/dlt__pg__to__ch__raw.yaml

                Exit codes: 0 done (issues are reported, not failed on, without --check); 1 with --check when any \
                issue was found or a file failed to load or to be fixed, with --fail-fast at the first ERROR or \
                failure, or when --out cannot be written; 2 bad usage (no manifests found, unknown template kind, \
                --template-kind without --pipeline-name).
                """)

        @Option(name: .customLong("manifests-dir"), help: "The folder whose manifests (*.yaml, *.yml) to check.")
        var manifestsDirectory = "dlt_pipelines/manifests"

        @Option(name: .customLong("manifest"), help: "One manifest to check (repeatable); replaces --manifests-dir.")
        var manifests: [String] = []

        @Flag(name: .customLong("apply"), help: "Apply the FIX issues in place (comments and layout are kept).")
        var apply = false

        @Flag(name: .customLong("check"), help: "Exit 1 when any issue (FIX, WARN or ERROR) is found.")
        var check = false

        @Flag(name: .customLong("fail-fast"), help: "Stop at the first ERROR or failure (with --check, at any issue).")
        var failFast = false

        @Flag(name: .customLong("json"), help: "Print one JSON report: per file issues, applied and skipped fixes.")
        var json = false

        @Flag(
            name: .customLong("print-sqldb-canonical"),
            help: "For SQL-family manifests, print the canonical sqldb YAML.")
        var printCanonical = false

        @Option(
            name: .customLong("write-sqldb-canonical-dir"),
            help: "Write the canonical sqldb YAML of SQL-family manifests into this folder (originals are kept).")
        var canonicalDirectory: String?

        @Option(
            name: .customLong("template-kind"),
            help:
                "Print a new manifest instead: sqldb_catalog, sqldb_query or mongodb (the legacy names sql_database, oracle_custom_sql and oracle give the canonical template)."
        )
        var templateKind: String?

        @Option(name: .customLong("pipeline-name"), help: "pipeline.name and airflow.dag_id of the template.")
        var pipelineName: String?

        @Option(name: .customLong("destination"), help: "pipeline.destination of the template.")
        var destination = "clickhouse"

        @Option(name: .customLong("dataset"), help: "pipeline.dataset of the template.")
        var dataset = "raw"

        @Option(name: .customLong("out"), help: "Write the template to this file (atomically) instead of stdout.")
        var out: String?

        func run() async throws {
            if let templateKind {
                try writeTemplate(kind: templateKind)
                return
            }
            let files = try selectFiles()
            var batch = DoctorBatch(options: batchOptions)
            for file in files {
                let (lines, proceed) = batch.examine(file)
                lines.forEach(Output.print)
                if !proceed { break }
            }
            Output.print(batch.summary)
            if batch.failed { throw ExitCode(.runFailed) }
        }

        private var batchOptions: DoctorBatch.Options {
            var options = DoctorBatch.Options()
            options.apply = apply
            options.check = check
            options.failFast = failFast
            options.json = json
            options.printCanonical = printCanonical
            options.canonicalDirectory = canonicalDirectory
            return options
        }

        private func writeTemplate(kind: String) throws {
            guard let pipelineName, !pipelineName.isEmpty else {
                Output.printError("error: --pipeline-name is required with --template-kind")
                throw ExitCode(.usageOrManifest)
            }
            let text: String
            do {
                text = try ManifestTemplate.render(
                    kind: kind, pipelineName: pipelineName, destination: destination, dataset: dataset)
            } catch {
                Output.printError("error: \(error.description)")
                throw ExitCode(.usageOrManifest)
            }
            guard let out else {
                Output.print(text)
                return
            }
            let path = URL(fileURLWithPath: out).standardizedFileURL.path
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(Array(text.utf8), to: path)
            } catch {
                Output.printError("error: cannot write \(path): \(error)")
                throw ExitCode(.runFailed)
            }
            Output.print("Wrote template: \(path)")
        }

        /// The --manifest files as given, else the manifests of --manifests-dir (`ManifestFiles.discover`).
        private func selectFiles() throws -> [String] {
            if !manifests.isEmpty { return manifests }
            let files: [String]
            do {
                files = try ManifestFiles.discover(in: manifestsDirectory)
            } catch {
                Output.printError(
                    "error: manifests folder not found: \(manifestsDirectory) (use --manifests-dir or --manifest)")
                throw ExitCode(.usageOrManifest)
            }
            guard !files.isEmpty else {
                // The Python doctor's words, though .yml files count too.
                Output.printError("error: no manifests (*.yaml) found in \(manifestsDirectory)")
                throw ExitCode(.usageOrManifest)
            }
            return files
        }
    }
}
