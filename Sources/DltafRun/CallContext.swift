import DltafJSON
import DltafManifest
import Foundation

/// The `context` object every call carries (PROTOCOL.md §3.2).
enum CallContext {
    static func make(manifest: Manifest, runID: String, startedAt: Date, mode: RunRequest.Mode) -> JSONValue {
        let pipeline = manifest.value["pipeline"]
        // Protocol v1 knows run, validate, plan and dry_run: an online dry run is a dry run to plugins.
        let modeName = mode == .validateOnly ? "validate" : mode == .dryRunOnline ? "dry_run" : mode.rawValue
        return [
            "run_id": .string(runID),
            "started_at": .string(RunResult.timestamp(startedAt)),
            "mode": .string(modeName),
            "manifest_path": .string(manifest.file),
            "manifest_dir": .string(manifest.directory),
            "pipeline": [
                "name": pipeline?["name"] ?? .null,
                "destination": pipeline?["destination"] ?? .null,
                "dataset": pipeline?["dataset"] ?? .null,
            ],
            "source_kind": .string(manifest.sourceKind ?? ""),
            "write_disposition": .string(manifest.writeDisposition),
        ]
    }
}
