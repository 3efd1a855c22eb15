import DltafJSON
import DltafManifest
import DltafProtocol
import Foundation

extension CallContext {
    /// The context of every call of a run of `manifest` (PROTOCOL.md §3.2).
    package static func make(manifest: Manifest, runID: String, startedAt: Date, mode: RunRequest.Mode) -> CallContext {
        let pipeline = manifest.value["pipeline"]
        return CallContext(
            runID: runID, startedAt: RunResult.timestamp(startedAt), mode: CallMode(mode),
            manifestPath: manifest.file, manifestDirectory: manifest.directory,
            pipeline: Pipeline(
                name: pipeline?["name"]?.stringValue, destination: pipeline?["destination"]?.stringValue,
                dataset: pipeline?["dataset"]?.stringValue),
            sourceKind: manifest.sourceKind ?? "", writeDisposition: manifest.writeDisposition)
    }
}

extension CallMode {
    /// The mode plugins are told of: protocol v1 knows run, validate, plan and dry_run, so an online dry run
    /// is a dry run to plugins.
    package init(_ mode: RunRequest.Mode) {
        switch mode {
        case .validateOnly: self = .validate
        case .dryRun, .dryRunOnline: self = .dryRun
        case .plan: self = .plan
        case .run: self = .run
        }
    }
}
