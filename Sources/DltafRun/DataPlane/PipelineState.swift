public import DltafJSON
import DltafLoad
import DltafManifest
import Foundation

/// `dltaf state show|reset`: the state a pipeline's runner resumes from, as committed in its destination.
public enum PipelineState {
    /// What is committed: the pipeline state and each stream's, and where they live.
    public struct Report: Sendable {
        /// `pipeline.name`.
        public var pipeline: String
        /// `sqlite` or `postgres`.
        public var destination: String
        /// The pipeline state (nil when none is committed).
        public var state: JSONValue?
        /// Each stream's state.
        public var streams: [String: JSONValue]

        /// `{pipeline, destination, state, streams}`.
        public var json: JSONValue {
            [
                "pipeline": .string(pipeline), "destination": .string(destination), "state": state ?? .null,
                "streams": .object(JSONObject(streams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
            ]
        }
    }

    /// Reads the committed state of the manifest's pipeline (secrets resolved as a run resolves them).
    public static func show(_ request: RunRequest, console: Console) async throws(RunError) -> Report {
        let (session, pipeline, destination) = try await open(request, console: console)
        defer { session.abort() }
        do throws(LoadError) {
            let committed = try session.committedState()
            return Report(
                pipeline: pipeline, destination: destination, state: committed.pipeline, streams: committed.streams)
        } catch {
            throw RunError(error, stage: "reading the state")
        }
    }

    /// Deletes the committed state of `stream` (nil: all of the pipeline's state), at once.
    public static func reset(_ request: RunRequest, stream: String?, console: Console) async throws(RunError) {
        let (session, pipeline, _) = try await open(request, console: console)
        defer { session.abort() }
        do throws(LoadError) {
            try session.resetState(pipeline: pipeline, stream: stream)
        } catch {
            throw RunError(error, stage: "resetting the state")
        }
    }

    private static func open(_ request: RunRequest, console: Console) async throws(RunError)
        -> (LoadSession, String, String)
    {
        let (manifest, loaded) = try await LoadTarget.open(request, console: console)
        // An unsupported destination gets the located error that names the ones dltaf loads.
        let destination: DestinationConfiguration
        if let loaded {
            destination = loaded
        } else {
            destination = try LoadTarget.configuration(of: manifest, environment: request.environment)
        }
        do throws(LoadError) {
            let loader = try LoadSession(
                destination: destination, pipeline: manifest.pipelineName ?? "",
                loadID: "state-" + UUID().uuidString.lowercased())
            return (loader, manifest.pipelineName ?? "", destination.name)
        } catch {
            throw RunError(error, stage: "opening the destination")
        }
    }
}
