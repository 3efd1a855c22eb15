import DltafJSON
import DltafManifest
import Foundation

/// The `context` object every call carries (PROTOCOL.md §3.2).
enum CallContext {
    static func make(manifest: Manifest, runID: String, startedAt: Date, mode: RunRequest.Mode) -> JSONValue {
        let pipeline = manifest.value["pipeline"]
        let modeName = mode == .validateOnly ? "validate" : mode.rawValue
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
