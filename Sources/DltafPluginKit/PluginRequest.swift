public import DltafJSON
public import DltafProtocol

/// A request from dltaf, its params read into the protocol's models (the same types dltaf builds them with).
public enum PluginRequest: Sendable, Equatable {
    /// `runner/validate`.
    case runnerValidate(RunnerValidateParams)
    /// `runner/run`.
    case runnerRun(RunnerRunParams)
    /// `hook/pre_run`, `hook/post_run` or `hook/on_error`.
    case hook(HookParams)
    /// `check/applies`.
    case checkApplies(CheckParams)
    /// `check/run`.
    case checkRun(CheckParams)

    /// Reads the params of `method`.
    ///
    /// - Throws: `-32601` for a method that is not a call, `-32602` for params that do not follow the protocol.
    public init(method: String, params: JSONValue) throws(RPCError) {
        let request: PluginRequest?
        do {
            request = try Self.read(method: method, params: params)
        } catch {
            throw RPCError(invalidParams: error)
        }
        guard let request else { throw RPCError(methodNotFound: method) }
        self = request
    }

    /// The request of `method`, or nil when the method is not a call.
    private static func read(method: String, params: JSONValue) throws(ProtocolViolation) -> PluginRequest? {
        switch method {
        case ProtocolMethod.runnerValidate: return .runnerValidate(try RunnerValidateParams(json: params))
        case ProtocolMethod.runnerRun: return .runnerRun(try RunnerRunParams(json: params))
        case ProtocolMethod.checkApplies: return .checkApplies(try CheckParams(method: method, json: params))
        case ProtocolMethod.checkRun: return .checkRun(try CheckParams(method: method, json: params))
        default:
            guard let event = HookEvent(method: method) else { return nil }
            return .hook(try HookParams(event: event, json: params))
        }
    }

    /// The manifest after templating and overrides.
    public var manifest: JSONValue {
        switch self {
        case .runnerValidate(let params): return params.manifest
        case .runnerRun(let params): return params.manifest
        case .hook(let params): return params.manifest
        case .checkApplies(let params), .checkRun(let params): return params.manifest
        }
    }

    /// The call's context.
    public var context: CallContext {
        switch self {
        case .runnerValidate(let params): return params.context
        case .runnerRun(let params): return params.context
        case .hook(let params): return params.context
        case .checkApplies(let params), .checkRun(let params): return params.context
        }
    }

    /// A hook's or check's config mapping (empty for runner calls).
    public var config: JSONObject {
        switch self {
        case .hook(let params): return params.config
        case .checkApplies(let params), .checkRun(let params): return params.config
        case .runnerValidate, .runnerRun: return JSONObject()
        }
    }
}
