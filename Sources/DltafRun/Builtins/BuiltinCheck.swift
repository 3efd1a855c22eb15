import DltafJSON
import DltafProtocol
import Foundation

/// A built-in online check: a name, an `applies` answer with its reason, and a run. The protocol glue
/// (`check/applies`, `check/run`) is shared, so a check is only its logic.
protocol BuiltinCheck: BuiltinExtension {
    /// The check's name (`run.online_checks.config.<name>`).
    var name: String { get }
    /// One line for listings.
    var summary: String { get }
    /// Whether the check runs by default, and why.
    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String)
    /// Runs the check within `request.timeoutSeconds`.
    func run(_ request: CheckRequest) async -> CheckOutcome
}

extension BuiltinCheck {
    var provides: Provides { Provides(checks: [CheckInfo(name: name, description: summary)]) }

    func handle(method: String, params: JSONValue) async throws(RPCError) -> JSONValue {
        switch method {
        case ProtocolMethod.checkApplies:
            let (applies, reason) = applies(try CheckRequest(method: method, params: params))
            return CheckAppliesResult(applies: applies, reason: reason).json
        case ProtocolMethod.checkRun:
            return await run(try CheckRequest(method: method, params: params)).json
        default:
            throw RPCError(methodNotFound: method)
        }
    }
}

/// What a built-in check is asked: its config mapping, the manifest's folder and the time limit.
struct CheckRequest: Sendable {
    /// `run.online_checks.config.<name>` (an empty mapping when absent).
    var config: JSONValue
    /// The folder relative paths are resolved against.
    var manifestDirectory: String
    /// `config.timeout_seconds`, else the run's limit for each check, else 5.
    var timeoutSeconds: Double

    init(_ params: CheckParams) {
        config = .object(params.config)
        let directory = params.context.manifestDirectory
        manifestDirectory = directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
        let configured = params.config["timeout_seconds"]?.doubleValue
        timeoutSeconds = [configured, params.timeoutSeconds].compactMap { $0 }.first { $0 > 0 } ?? 5
    }

    /// Reads `method`'s params; params that do not follow the protocol are an invalid-params error.
    init(method: String, params: JSONValue) throws(RPCError) {
        self.init(try CheckParams(builtin: method, json: params))
    }

    /// A string setting.
    func string(_ key: String) -> String? {
        config[key]?.stringValue
    }

    /// The strings of a list setting, or of a single-string setting, in order: `strings("urls", "url")`.
    func strings(_ listKey: String, _ singleKey: String? = nil) -> [String] {
        var found = config[listKey]?.arrayValue?.compactMap(\.stringValue) ?? []
        if found.isEmpty, let text = config[listKey]?.stringValue { found = [text] }
        if let singleKey, let text = config[singleKey]?.stringValue { found.append(text) }
        return found.filter { !$0.isEmpty }
    }

    /// Whether `key` is set to anything but null.
    func has(_ key: String) -> Bool {
        config[key].map { !$0.isNull } ?? false
    }

    /// `path` made absolute against the manifest's folder.
    func absolutePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        guard !expanded.hasPrefix("/") else { return (expanded as NSString).standardizingPath }
        return ((manifestDirectory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }
}

extension CheckParams {
    /// Reads the params of a built-in check's `method`; params that do not follow the protocol are an
    /// invalid-params error, as a plugin would answer.
    init(builtin method: String, json: JSONValue) throws(RPCError) {
        do {
            try self.init(method: method, json: json)
        } catch {
            throw RPCError(invalidParams: error)
        }
    }
}

extension CheckOutcome {
    /// A check that could not run because a client library is missing: a warning, not an error, as in the
    /// Python dltaf (`dependency_missing: ...`).
    static func dependencyMissing(_ message: String, details: JSONObject = JSONObject()) -> CheckOutcome {
        var details = details
        details["attempted"] = false
        details["reason"] = "dependency_missing"
        return CheckOutcome(ok: true, warnings: [message], details: details)
    }

    /// A check that is not configured: an error naming the keys that configure it.
    static func notConfigured(_ message: String) -> CheckOutcome {
        CheckOutcome(ok: false, errors: [message], details: ["attempted": false, "reason": "not_configured"])
    }
}
