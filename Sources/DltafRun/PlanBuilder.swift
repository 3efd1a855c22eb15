import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol
import DltafSecrets

/// The plan document of `--plan`, `--dry-run` and `--dry-run-online`: what would run, with no secret values.
///
/// Environment variables appear by name with their provenance; their values never do. `RunResult.redactedPlan`
/// is the form shown and written.
enum PlanBuilder {
    static func plan(
        _ prepared: PreparedRun, request: RunRequest, applicability: [String: CheckApplicability],
        environment: ResolvedEnvironment
    ) -> JSONValue {
        let manifest = prepared.manifest
        let selectedChecks = OnlineChecks.select(prepared, applicability: applicability)
        var source: JSONObject = ["kind": .string(prepared.runnerKind)]
        if let window = manifest.value(at: ["source", "time_window"])?.objectValue,
            ["start", "end", "timezone"].contains(where: { window[$0].map { !$0.isNull } ?? false })
        {
            source["time_window"] = [
                "start": window["start"] ?? .null, "end": window["end"] ?? .null,
                "timezone": window["timezone"] ?? .null,
            ]
        }
        let overrides = JSONObject(
            request.overrides.compactMap { try? Override(parsing: $0) }.map { ($0.path.description, $0.value) }
                .sorted { $0.0 < $1.0 })
        return [
            "pipeline": [
                "name": manifest.value(at: ["pipeline", "name"]) ?? .null,
                "destination": manifest.value(at: ["pipeline", "destination"]) ?? .null,
                "dataset": manifest.value(at: ["pipeline", "dataset"]) ?? .null,
            ],
            "source": .object(source),
            "run": [
                "write_disposition": .string(manifest.writeDisposition),
                "validate_only": false,
                "explain_config": .bool(request.explainConfig),
                "plan": .bool(request.mode == .plan),
                "dry_run": .bool(request.mode == .dryRun || request.mode == .dryRunOnline),
                "dry_run_online": .bool(request.mode == .dryRunOnline),
                "dry_run_strict": .bool(request.dryRunStrict),
            ],
            "runner": [
                "kind": .string(prepared.runnerKind),
                "origin": .string(prepared.catalog.runners[prepared.runnerKind]?.provider.origin ?? "none"),
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
                        "applies": applicability[name].map { .bool($0.applies) } ?? .null,
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
            "expected_tables": .array(ExpectedTables.of(manifest).map { .string($0) }),
            "env": environment.planReport(Redactor(), references: manifest.environmentReferences),
            "overrides": Redactor().redact(.object(overrides)),
            "notes": .array(notes(prepared, request: request, environment: environment).map { .string($0) }),
        ]
    }

    /// Hints for people reading the plan.
    private static func notes(_ prepared: PreparedRun, request: RunRequest, environment: ResolvedEnvironment)
        -> [String]
    {
        var notes = ["nothing was loaded: the runner's run was not called; plugins were started to validate"]
        if prepared.manifest.value(at: ["connections"]).map({ $0.isNull }) ?? true {
            notes.append("no connections section: dltaf passes no credentials to the runner")
        } else if environment.isEmpty {
            notes.append("connections resolved to no variable (see the warnings)")
        }
        if request.mode == .dryRun {
            notes.append("online checks were not run (use --dry-run-online)")
        }
        return notes
    }
}

extension JSONObject {
    /// An object from pairs, in order; a repeated key keeps the last value.
    init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }
}
