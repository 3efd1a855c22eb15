public import DltafJSON
public import DltafProtocol

/// One request from dltaf, as a handler sees it.
public struct PluginCall: Sendable {
    /// The request id.
    public let id: Int
    /// The method (`runner/run`, `hook/pre_run`, `check/run`, ...).
    public let method: String
    /// The raw params.
    public let params: JSONValue
    /// The params, read into the protocol's models.
    public let request: PluginRequest
    /// The `data.v1` feature (PROTOCOL.md §8): rows into the destination. Set on `runner/run` when the host and
    /// the plugin negotiated the feature; nil otherwise.
    public let data: PluginData?
    let output: OutputChannel

    /// The manifest after templating and overrides.
    public var manifest: JSONValue { request.manifest }
    /// The run context (`run_id`, `manifest_dir`, `pipeline`, ...), typed.
    public var callContext: CallContext { request.context }
    /// The run context in its JSON form.
    public var context: JSONValue { callContext.json }
    /// The hook's or check's config mapping (`{}` when absent).
    public var config: JSONValue { .object(request.config) }
    /// Credentials for this run (runner/run only). Never log these.
    public var env: [String: String] { runParams?.env ?? [:] }
    /// The folder of the manifest; resolve relative paths against it (`.` when the context gives none).
    public var manifestDirectory: String {
        callContext.manifestDirectory.isEmpty ? "." : callContext.manifestDirectory
    }

    /// The params of a `runner/validate` call.
    public var validateParams: RunnerValidateParams? {
        if case .runnerValidate(let params) = request { return params }
        return nil
    }
    /// The params of a `runner/run` call.
    public var runParams: RunnerRunParams? {
        if case .runnerRun(let params) = request { return params }
        return nil
    }
    /// The params of a hook call.
    public var hookParams: HookParams? {
        if case .hook(let params) = request { return params }
        return nil
    }
    /// The params of a `check/applies` or `check/run` call.
    public var checkParams: CheckParams? {
        switch request {
        case .checkApplies(let params), .checkRun(let params): return params
        default: return nil
        }
    }

    /// Sends a `log` notification.
    public func log(_ level: LogLevel, _ message: String, fields: JSONObject? = nil) {
        var params: JSONObject = [
            "level": .string(level.rawValue), "message": .string(message), "request_id": .int(id),
        ]
        if let fields { params["fields"] = .object(fields) }
        output.send(.notification(method: ProtocolMethod.log, params: .object(params)))
    }

    /// Sends a `progress` notification.
    public func progress(current: Int? = nil, total: Int? = nil, unit: String? = nil, message: String? = nil) {
        var params: JSONObject = ["request_id": .int(id)]
        if let current { params["current"] = .int(current) }
        if let total { params["total"] = .int(total) }
        if let unit { params["unit"] = .string(unit) }
        if let message { params["message"] = .string(message) }
        output.send(.notification(method: ProtocolMethod.progress, params: .object(params)))
    }

    /// Sends a `state` notification: a checkpoint dltaf keeps.
    public func state(_ state: JSONValue) {
        output.send(.notification(method: ProtocolMethod.state, params: ["state": state, "request_id": .int(id)]))
    }
}

/// A failure a handler reports, with the error taxonomy's category.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    /// What failed, for people.
    public var message: String
    /// `CONFIG`, `SECRETS`, `AUTH`, `CONNECTIVITY`, `HTTP`, `TIMEOUT`, `DATA`, `POLICY`, `DEPENDENCY` or `UNKNOWN`.
    public var category: String
    /// A stable code.
    public var code: String?
    /// Whether trying again may help.
    public var retryable: Bool

    /// Creates an error.
    public init(_ message: String, category: String = "UNKNOWN", code: String? = nil, retryable: Bool = false) {
        self.message = message
        self.category = category
        self.code = code
        self.retryable = retryable
    }

    /// Creates an error with a typed category.
    public init(_ message: String, category: ErrorCategory, code: String? = nil, retryable: Bool = false) {
        self.init(message, category: category.rawValue, code: code, retryable: retryable)
    }

    /// The JSON-RPC error dltaf gets: `-32000` with `data: {category, code, retryable}`; a category name the
    /// protocol does not know is sent as `UNKNOWN`.
    public var rpcError: RPCError {
        HandlerFailure(category: ErrorCategory(lenient: category), code: code, retryable: retryable).error(message)
    }

    public var description: String { message }
}
