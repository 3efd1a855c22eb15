public import DltafJSON

/// The params of `check/applies` and `check/run` (PROTOCOL.md §3.2, `protocol/schema/check.applies.params.json`
/// and `check.run.params.json`).
public struct CheckParams: Sendable, Equatable {
    /// The check's name, as selected in `run.online_checks`.
    public var check: String
    /// The manifest after templating and overrides.
    public var manifest: JSONValue
    /// The call's context.
    public var context: CallContext
    /// `run.online_checks.config.<name>` (an empty mapping when absent).
    public var config: JSONObject
    /// The run's limit for the check, in seconds (`check/run` only).
    public var timeoutSeconds: Double?

    /// Creates check params; give `timeoutSeconds` for `check/run`.
    public init(
        check: String, manifest: JSONValue, context: CallContext, config: JSONObject = JSONObject(),
        timeoutSeconds: Double? = nil
    ) {
        self.check = check
        self.manifest = manifest
        self.context = context
        self.config = config
        self.timeoutSeconds = timeoutSeconds
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = [
            "check": .string(check), "manifest": manifest, "context": context.json, "config": .object(config),
        ]
        if let timeoutSeconds { object["timeout_seconds"] = .double(timeoutSeconds) }
        return .object(object)
    }

    /// Reads the JSON form of `method`'s params (for errors); `check` is required, an absent manifest, context
    /// or config reads as empty, and `timeout_seconds` must not be negative.
    public init(method: String = ProtocolMethod.checkRun, json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("\(method) params", json)
        check = try reader.name("check")
        manifest = try reader.manifest()
        context = try reader.context()
        config = try reader.config()
        timeoutSeconds = try reader.double("timeout_seconds")
        if let timeoutSeconds, timeoutSeconds < 0 {
            throw ProtocolViolation("\(method) params: \"timeout_seconds\" must not be negative, got \(timeoutSeconds)")
        }
    }
}
