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
    let output: OutputChannel

    /// The manifest after templating and overrides.
    public var manifest: JSONValue { params["manifest"] ?? .object(JSONObject()) }
    /// The run context (`run_id`, `manifest_dir`, `pipeline`, ...).
    public var context: JSONValue { params["context"] ?? .object(JSONObject()) }
    /// The hook's or check's config mapping (`{}` when absent).
    public var config: JSONValue { params["config"] ?? .object(JSONObject()) }
    /// Credentials for this run (runner/run only). Never log these.
    public var env: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in params["env"]?.objectValue ?? JSONObject() { result[key] = value.stringValue }
        return result
    }
    /// The folder of the manifest; resolve relative paths against it.
    public var manifestDirectory: String { context["manifest_dir"]?.stringValue ?? "." }

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

    public var description: String { message }
}
