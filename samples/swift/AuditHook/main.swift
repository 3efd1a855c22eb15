// A sample hook: appends one JSON line per run event to the file at `config.path` (relative to the manifest).
//
//   run:
//     hooks: {enable: [swift_audit], plugins: [samples.swift.audit_hook], config: {swift_audit: {path: audit.jsonl}}}
import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation

var plugin = Plugin(name: "swift-audit-hook", version: "1.0.0", description: "Appends one JSON line per run event")

plugin.hook("swift_audit", description: "Audit line per event") { event, call in
    guard let path = call.config["path"]?.stringValue, !path.isEmpty else {
        throw PluginError(
            "swift_audit: config.path (the audit file) is required", category: "CONFIG", code: "missing_path")
    }
    let file = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: call.manifestDirectory))
    var line: JSONObject = [
        "event": .string(event.rawValue), "run_id": .string(call.callContext.runID),
        "pipeline": call.callContext.pipeline.name.map { .string($0) } ?? .null,
        "at": .string(Date().ISO8601Format()),
    ]
    if let status = call.hookParams?.result?["status"] { line["status"] = status }
    if let error = call.hookParams?.error { line["error"] = .string(error.message) }
    var bytes = JSONWriter().bytes(.object(line))
    bytes.append(0x0A)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    if let handle = FileHandle(forWritingAtPath: file.path) {
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    } else {
        try Data(bytes).write(to: file)
    }
    call.log(.info, "audited \(event.rawValue) in \(file.path)")
    return HookOutcome(ok: true)
}

await plugin.serve()
