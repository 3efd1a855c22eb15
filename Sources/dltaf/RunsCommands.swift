import ArgumentParser
import DltafJSON
import DltafRun
import Foundation

/// `dltaf runs list|show`: the run audit.
struct RunsGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Read the run audit: every dltaf exec (success, failure, cancel, plan, dry run) leaves one record.",
        discussion: """
            Records live where the run's rows went (the destination's _pipeline_runs and _pipeline_run_units \
            tables, the Python dltaf's columns), or in .dltaf/runs.sqlite beside the manifest for runs that loaded \
            nothing through dltaf. Without --manifest or --store, every SQLite file in ./.dltaf/ is read.

              dltaf runs list [--pipeline P] [--limit N] [--json]
              dltaf runs show RUN_ID [--json]
              dltaf runs list --manifest M.yaml        # that manifest's destination and local store
            """,
        subcommands: [List.self, Show.self])

    struct StoreOptions: ParsableArguments {
        @Option(name: .customLong("manifest"), help: "Read the stores of this manifest (its destination, its .dltaf/).")
        var manifest: String?

        @Option(name: .customLong("store"), help: ArgumentHelp("An SQLite audit file (repeatable).", valueName: "file"))
        var stores: [String] = []

        func resolve() async throws -> RunStores {
            let request = manifest.map {
                RunRequest(manifestPath: $0, environment: ProcessInfo.processInfo.environment)
            }
            do {
                return try await RunHistory.stores(
                    storeFiles: stores, manifest: request, folder: FileManager.default.currentDirectoryPath)
            } catch {
                Output.printError("error: " + error.message)
                throw ExitCode(error.exitCode)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The newest runs first.")

        @OptionGroup var store: StoreOptions

        @Option(name: .customLong("pipeline"), help: "Only this pipeline's runs.")
        var pipeline: String?

        @Option(name: .customLong("limit"), help: "At most this many runs.")
        var limit = 20

        @Flag(name: .customLong("json"), help: "Print JSON.")
        var json = false

        func run() async throws {
            let stores = try await store.resolve()
            do {
                let records = try RunHistory.list(stores, pipeline: pipeline, limit: limit)
                Output.print(
                    json ? Output.prettyJSON(.array(records.map(RunHistory.json))) : RunHistory.table(records))
            } catch {
                Output.printError("error: " + error.message)
                throw ExitCode(error.exitCode)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: its fields, tables, load ids and units.")

        @Argument(help: "The run id (from `dltaf runs list` or a result's run_id).")
        var runID: String

        @OptionGroup var store: StoreOptions

        @Flag(name: .customLong("json"), help: "Print JSON.")
        var json = false

        func run() async throws {
            let stores = try await store.resolve()
            let found: RunDetails?
            do {
                found = try RunHistory.show(stores, runID: runID)
            } catch {
                Output.printError("error: " + error.message)
                throw ExitCode(error.exitCode)
            }
            guard let found else {
                Output.printError("error: no run \(runID) in the audit stores read")
                throw ExitCode(.runFailed)
            }
            Output.print(json ? Output.prettyJSON(found.json) : found.text)
        }
    }
}
