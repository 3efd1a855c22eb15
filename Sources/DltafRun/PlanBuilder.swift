import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol

/// The plan document of `--plan` and `--dry-run`: what would run, with no secret values.
enum PlanBuilder {
    static func plan(_ prepared: PreparedRun, request: RunRequest, applicability: [String: JSONValue]) -> JSONValue {
        let manifest = prepared.manifest
        let selectedChecks = OnlineChecks.select(prepared, applicability: applicability)
        var source: JSONObject = ["kind": .string(prepared.runnerKind)]
        if let window = manifest.value(at: ["source", "time_window"]) { source["time_window"] = window }
        let overrides = JSONObject(
            request.overrides.compactMap { try? Override(parsing: $0) }.map { ($0.path.description, $0.value) })
        return [
            "pipeline": [
                "name": manifest.value(at: ["pipeline", "name"]) ?? .null,
                "destination": manifest.value(at: ["pipeline", "destination"]) ?? .null,
                "dataset": manifest.value(at: ["pipeline", "dataset"]) ?? .null,
            ],
            "source": .object(source),
            "run": [
                "write_disposition": .string(manifest.writeDisposition),
                "plan": .bool(request.mode == .plan),
                "dry_run": .bool(request.mode == .dryRun),
            ],
            "runner": [
                "kind": .string(prepared.runnerKind),
                "origin": .string(prepared.catalog.runners[prepared.runnerKind]?.provider.origin ?? "?"),
            ],
            "hooks": .array(
                prepared.selectedHooks.map { name in
                    let entry = prepared.catalog.hooks[name]
                    return [
                        "name": .string(name), "origin": .string(entry?.provider.origin ?? "?"),
                        "events": .array((entry?.events ?? []).map { .string($0.rawValue) }),
                    ]
                }),
            "checks": .array(
                prepared.catalog.checks.names.map { name in
                    [
                        "name": .string(name),
                        "origin": .string(prepared.catalog.checks[name]?.provider.origin ?? "?"),
                        "applies": applicability[name]?["applies"] ?? .null,
                        "selected": .bool(selectedChecks.contains(name)),
                    ]
                }),
            "plugins": .array(
                prepared.plugins.handles.map { handle in
                    [
                        "spec": .string(handle.spec), "name": .string(handle.handshake.plugin.name),
                        "version": .string(handle.handshake.plugin.version),
                        "executable": .string(handle.connection.plugin.commandLine),
                        "delivery": .string(handle.connection.plugin.delivery.rawValue),
                    ]
                }),
            "env": ["references": .array(manifest.environmentReferences.map { .string($0) })],
            "overrides": Redactor().redact(.object(overrides)),
        ]
    }
}

extension JSONObject {
    /// An object from pairs, in order; a repeated key keeps the last value.
    init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }
}
