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
        CheckApplicability]
    {
        let names = prepared.catalog.checks.names
        return await withTaskGroup(of: (String, CheckApplicability).self) { group in
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
                            name, CheckApplicability(applies: read.applies, reason: read.reason)
                        )
                    } catch {
                        return (name, CheckApplicability(applies: false, error: error.summary))
                    }
                }
            }
            var result: [String: CheckApplicability] = [:]
            for await (name, answer) in group { result[name] = answer }
            return result
        }
    }

    /// The selected check names: `only`, or the applicable ones adjusted by `enable`/`disable`.
    static func select(_ prepared: some CheckScope, applicability: [String: CheckApplicability]) -> [String] {
        let applicable = prepared.catalog.checks.names.filter { applicability[$0]?.applies == true }
        return prepared.checkSelection.apply(defaults: applicable, available: prepared.catalog.checks.nameSet)
            .selected
    }

    /// Runs the selected checks concurrently and returns their report.
    static func run(
        _ prepared: some CheckScope, selected: [String], context: CallContext, timeout: Duration
    ) async -> CheckReport {
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
        let entries = selected.compactMap { name -> CheckReport.Entry? in
            guard let (_, outcome, milliseconds, origin) = outcomes.first(where: { $0.0 == name }) else { return nil }
            return CheckReport.Entry(name: name, outcome: outcome, origin: origin, milliseconds: milliseconds)
        }
        return CheckReport(selected: selected, entries: entries, timeoutSeconds: seconds)
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
