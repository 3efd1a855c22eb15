public import DltafJSON

/// The params of `hook/pre_run`, `hook/post_run` and `hook/on_error` (PROTOCOL.md §3.2,
/// `protocol/schema/hook.params.json`). The event is the method's, not a member of the params.
public struct HookParams: Sendable, Equatable {
    /// What failed, as `hook/on_error` reports it.
    public struct Failure: Sendable, Equatable {
        /// What failed, for people.
        public var message: String
        /// The taxonomy category.
        public var category: ErrorCategory
        /// A stable code (`runner_failed`, `plugin_timeout`, a plugin's own code, ...).
        public var code: String?

        /// Creates a failure.
        public init(message: String, category: ErrorCategory, code: String? = nil) {
            self.message = message
            self.category = category
            self.code = code
        }

        /// The JSON form.
        public var json: JSONValue {
            var object: JSONObject = ["message": .string(message), "category": .string(category.rawValue)]
            if let code { object["code"] = .string(code) }
            return .object(object)
        }

        init(_ reader: MemberReader) throws(ProtocolViolation) {
            message = try reader.string("message") ?? ""
            category = ErrorCategory(lenient: try reader.string("category") ?? ErrorCategory.unknown.rawValue)
            code = try reader.string("code")
        }
    }

    /// The hook's name, as selected in `run.hooks`.
    public var hook: String
    /// The event, from the method (`hook/<event>`).
    public var event: HookEvent
    /// The manifest after templating and overrides.
    public var manifest: JSONValue
    /// The call's context.
    public var context: CallContext
    /// `run.hooks.config.<name>` (an empty mapping when absent).
    public var config: JSONObject
    /// The run result (`post_run`, and `on_error` when there is one).
    public var result: JSONValue?
    /// What failed (`on_error`).
    public var error: Failure?

    /// Creates hook params.
    public init(
        hook: String, event: HookEvent, manifest: JSONValue, context: CallContext, config: JSONObject = JSONObject(),
        result: JSONValue? = nil, error: Failure? = nil
    ) {
        self.hook = hook
        self.event = event
        self.manifest = manifest
        self.context = context
        self.config = config
        self.result = result
        self.error = error
    }

    /// The request's method: `hook/<event>`.
    public var method: String { ProtocolMethod.hook(event) }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = [
            "hook": .string(hook), "manifest": manifest, "context": context.json, "config": .object(config),
        ]
        if let result { object["result"] = result }
        if let error { object["error"] = error.json }
        return .object(object)
    }

    /// Reads the JSON form of `event`'s params; `hook` is required, an absent manifest, context or config
    /// reads as empty. An unknown `error.category` reads as `UNKNOWN`.
    public init(event: HookEvent, json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("\(ProtocolMethod.hook(event)) params", json)
        self.event = event
        hook = try reader.name("hook")
        manifest = try reader.manifest()
        context = try reader.context()
        config = try reader.config()
        result = try reader.members("result").map { .object($0) }
        error = try reader.nested("error").map { reader throws(ProtocolViolation) in try Failure(reader) }
    }
}
