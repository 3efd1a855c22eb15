import DltafJSON
import DltafManifest
import DltafPluginHost
import DltafProtocol

/// What the online checks need: the manifest, the catalog, and the manifest's selection. A prepared run is
/// one; `dltaf infra-checks` builds one without a runner or hooks.
protocol CheckScope: Sendable {
    var manifest: Manifest { get }
    var catalog: Catalog { get }
    var checkSelection: NameSelection { get }
}

extension PreparedRun: CheckScope {}

/// Selects and runs the online (infra) checks of a run, concurrently, each within its timeout.
enum OnlineChecks {
    /// Which checks apply, asked of every provider concurrently.
    static func applicability(_ prepared: some CheckScope, context: CallContext, timeout: Duration) async -> [String:
        JSONValue]
    {
        let names = prepared.catalog.checks.names
        return await withTaskGroup(of: (String, JSONValue).self) { group in
            for name in names {
                guard let entry = prepared.catalog.checks[name] else { continue }
                let params = params(prepared, name: name, context: context, timeoutSeconds: nil)
                group.addTask {
                    do throws(PluginFailure) {
                        let answer = try await entry.provider.call(
                            ProtocolMethod.checkApplies, params: params.json, timeout: timeout)
                        // An answer without a boolean `applies` does not apply (`dltaf plugins test` flags it).
                        let read = (try? CheckAppliesResult(json: answer)) ?? CheckAppliesResult(applies: false)
                        return (
                            name, ["applies": .bool(read.applies), "reason": read.reason.map { .string($0) } ?? .null]
                        )
                    } catch {
                        return (name, ["applies": false, "error": .string(error.summary)])
                    }
                }
            }
            var result: [String: JSONValue] = [:]
            for await (name, answer) in group { result[name] = answer }
            return result
        }
    }

    /// The selected check names: `only`, or the applicable ones adjusted by `enable`/`disable`.
    static func select(_ prepared: some CheckScope, applicability: [String: JSONValue]) -> [String] {
        let applicable = prepared.catalog.checks.names.filter { applicability[$0]?["applies"]?.boolValue == true }
        return prepared.checkSelection.apply(defaults: applicable, available: prepared.catalog.checks.nameSet)
            .selected
    }

    /// Runs the selected checks and returns the report (`ok`, `errors`, `warnings`, `results`).
    static func run(
        _ prepared: some CheckScope, selected: [String], context: CallContext, timeout: Duration
    ) async -> (ok: Bool, report: JSONValue) {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let outcomes = await withTaskGroup(of: (String, CheckOutcome, Double, String).self) { group in
            for name in selected {
                guard let entry = prepared.catalog.checks[name] else { continue }
                let request = params(prepared, name: name, context: context, timeoutSeconds: seconds).json
                group.addTask {
                    let started = ContinuousClock.now
                    let outcome: CheckOutcome
                    do throws(PluginFailure) {
                        let answer = try await entry.provider.call(
                            ProtocolMethod.checkRun, params: request, timeout: timeout)
                        outcome = CheckOutcome(json: answer)
                    } catch {
                        outcome = CheckOutcome(ok: false, errors: [error.summary])
                    }
                    return (name, outcome, started.duration(to: .now).milliseconds, entry.provider.origin)
                }
            }
            var collected: [(String, CheckOutcome, Double, String)] = []
            for await outcome in group { collected.append(outcome) }
            return collected
        }
        var results = JSONObject()
        var errors: [JSONValue] = []
        var warnings: [JSONValue] = []
        for name in selected {
            guard let (_, outcome, milliseconds, origin) = outcomes.first(where: { $0.0 == name }) else { continue }
            var entry = outcome.json.objectValue ?? JSONObject()
            entry["origin"] = .string(origin)
            entry["duration_ms"] = .double(milliseconds.rounded3)
            results[name] = .object(entry)
            errors += outcome.errors.map { .string("\(name): \($0)") }
            warnings += outcome.warnings.map { .string("\(name): \($0)") }
            if !outcome.ok, outcome.errors.isEmpty { errors.append(.string("\(name): failed")) }
        }
        let ok = errors.isEmpty
        let report: JSONValue = [
            "ok": .bool(ok), "selected": .array(selected.map { .string($0) }), "errors": .array(errors),
            "warnings": .array(warnings), "timeout_seconds": .double(seconds), "results": .object(results),
        ]
        return (ok, report)
    }

    private static func params(
        _ prepared: some CheckScope, name: String, context: CallContext, timeoutSeconds: Double?
    ) -> CheckParams {
        CheckParams(
            check: name, manifest: prepared.manifest.value, context: context,
            config: prepared.manifest.value(at: ["run", "online_checks", "config", name])?.objectValue ?? JSONObject(),
            timeoutSeconds: timeoutSeconds)
    }
}
