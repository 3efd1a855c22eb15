import ArgumentParser
import DltafJSON
import DltafRun
import Foundation

/// `dltaf state show|reset`.
struct StateGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show or reset the state a pipeline's runner resumes from (committed in its destination).",
        discussion: """
            A runner that hands its rows to dltaf (protocol feature data.v1) commits its state with them, in the \
            same destination transaction: a rerun resumes from exactly the last committed checkpoint.

              dltaf state show --manifest M.yaml [--json]
              dltaf state reset --manifest M.yaml [--stream S] --yes
            """,
        subcommands: [Show.self, Reset.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the committed pipeline and stream states.")

        @Option(name: .customLong("manifest"), help: "The pipeline's manifest.")
        var manifest: String

        @Flag(name: .customLong("json"), help: "Print JSON.")
        var json = false

        func run() async throws {
            let request = RunRequest(manifestPath: manifest, environment: ProcessInfo.processInfo.environment)
            let report: PipelineState.Report
            do {
                report = try await PipelineState.show(request, console: Console())
            } catch {
                Output.printError("error: " + error.message)
                throw ExitCode(error.exitCode)
            }
            if json {
                Output.print(Output.prettyJSON(report.json))
                return
            }
            Output.print("pipeline \(report.pipeline) (\(report.destination))")
            Output.print("  state: \(report.state?.jsonText ?? "(none)")")
            for (stream, state) in report.streams.sorted(by: { $0.key < $1.key }) {
                Output.print("  stream \(stream): \(state.jsonText)")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the committed state, so the next run starts from the beginning.")

        @Option(name: .customLong("manifest"), help: "The pipeline's manifest.")
        var manifest: String

        @Option(name: .customLong("stream"), help: "Only this stream's state (default: all of the pipeline's).")
        var stream: String?

        @Flag(name: .customLong("yes"), help: "Confirm: the reset cannot be undone.")
        var yes = false

        func validate() throws {
            guard yes else {
                throw ValidationError("state reset deletes committed state and cannot be undone: add --yes to confirm")
            }
        }

        func run() async throws {
            let request = RunRequest(manifestPath: manifest, environment: ProcessInfo.processInfo.environment)
            do {
                try await PipelineState.reset(request, stream: stream, console: Console())
            } catch {
                Output.printError("error: " + error.message)
                throw ExitCode(error.exitCode)
            }
            Output.printError(stream.map { "reset the state of stream \($0)" } ?? "reset the pipeline's state")
        }
    }
}
