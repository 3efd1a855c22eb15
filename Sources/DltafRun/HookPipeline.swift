public import DltafJSON
import DltafManifest
public import DltafPluginHost
public import DltafProtocol

/// Calls the selected hooks for one event, in order (`pre_run`) or in reverse (`post_run`, `on_error`).
struct HookPipeline: Sendable {
    let prepared: PreparedRun
    let context: CallContext
    var timeout: Duration
    let console: Console

    /// Runs `pre_run` on each hook in order and stops at the first veto (an `ok: false` answer or a failure).
    ///
    /// - Returns: every call made, and how many hooks were reached (for `on_error`).
    func preRun() async -> (calls: [HookCall], reached: Int, veto: HookCall?) {
        var calls: [HookCall] = []
        for (index, name) in prepared.selectedHooks.enumerated() {
            guard let call = await invoke(name, .preRun, result: nil, error: nil) else { continue }
            calls.append(call)
            if !call.outcome.ok { return (calls, index + 1, call) }
        }
        return (calls, prepared.selectedHooks.count, nil)
    }

    /// Runs `post_run` or `on_error` on the first `reached` hooks, in reverse order; failures become warnings.
    ///
    /// - Parameters:
    ///   - result: the run result, as the hooks' params carry it.
    ///   - error: what failed (`on_error`).
    func after(_ event: HookEvent, reached: Int, result: JSONValue?, error: HookParams.Failure? = nil) async
        -> [HookCall]
    {
        var calls: [HookCall] = []
        for name in prepared.selectedHooks.prefix(reached).reversed() {
            guard let call = await invoke(name, event, result: result, error: error) else { continue }
            calls.append(call)
        }
        return calls
    }

    private func invoke(_ name: String, _ event: HookEvent, result: JSONValue?, error: HookParams.Failure?) async
        -> HookCall?
    {
        guard let entry = prepared.catalog.hooks[name], entry.events.contains(event) else { return nil }
        let params = HookParams(
            hook: name, event: event, manifest: prepared.manifest.value, context: context,
            config: prepared.config(section: "hooks", name: name).objectValue ?? JSONObject(), result: result,
            error: error)
        let started = ContinuousClock.now
        do throws(PluginFailure) {
            let answer = try await entry.provider.call(
                params.method, params: params.json, timeout: timeout)
            let outcome = HookOutcome(json: answer)
            return HookCall(
                hook: name, event: event, outcome: outcome, failure: nil,
                milliseconds: started.duration(to: .now).milliseconds)
        } catch {
            console.log(.warning, source: name, "hook \(event.rawValue) failed: \(error.description)")
            return HookCall(
                hook: name, event: event, outcome: HookOutcome(ok: false, message: error.summary), failure: error,
                milliseconds: started.duration(to: .now).milliseconds)
        }
    }
}

/// What one hook call did.
public struct HookCall: Sendable {
    /// The hook's name.
    public var hook: String
    /// The event called.
    public var event: HookEvent
    /// Its answer (a failed call is `ok: false` with the failure's summary).
    public var outcome: HookOutcome
    /// Why the call itself failed, if it did.
    public var failure: PluginFailure?
    /// How long it took.
    public var milliseconds: Double

    /// `{hook, event, ok, duration_ms, message?}`, as the result document lists it.
    public var json: JSONValue {
        var object: JSONObject = [
            "hook": .string(hook), "event": .string(event.rawValue), "ok": .bool(outcome.ok),
            "duration_ms": .double(milliseconds.rounded3),
        ]
        if let message = outcome.message { object["message"] = .string(message) }
        return .object(object)
    }
}
