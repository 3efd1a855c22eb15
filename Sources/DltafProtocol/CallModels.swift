public import DltafJSON

/// A finding of a runner's `validate`.
public struct Diagnostic: Sendable, Equatable {
    /// How serious a finding is.
    public enum Severity: String, Sendable {
        /// The manifest cannot run.
        case error
        /// Worth a look; the run goes on.
        case warning
        /// For information.
        case info
    }

    /// How serious it is.
    public var severity: Severity
    /// What is wrong, for people.
    public var message: String
    /// A stable code, e.g. `hello.missing_path`.
    public var code: String?
    /// A JSON Pointer into the manifest, e.g. `/source/path`.
    public var path: String?

    /// Creates a diagnostic.
    public init(severity: Severity, message: String, code: String? = nil, path: String? = nil) {
        self.severity = severity
        self.message = message
        self.code = code
        self.path = path
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["severity": .string(severity.rawValue), "message": .string(message)]
        if let code { object["code"] = .string(code) }
        if let path { object["path"] = .string(path) }
        return .object(object)
    }

    /// Reads the JSON form; an unknown severity counts as an error.
    public init(json: JSONValue) {
        severity = json["severity"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .error
        message = json["message"]?.stringValue ?? json.jsonText
        code = json["code"]?.stringValue
        path = json["path"]?.stringValue
    }
}

/// The statuses a runner may report.
public enum RunnerStatus: String, Sendable {
    /// Everything loaded.
    case success
    /// Some of it loaded, within the manifest's tolerance.
    case partialSuccess = "partial_success"
    /// The load failed.
    case failed
}

/// What a runner's `run` returned.
public struct RunOutcome: Sendable, Equatable {
    /// The status.
    public var status: RunnerStatus
    /// One line for people.
    public var message: String?
    /// Warnings.
    public var warnings: [String]
    /// Counters (`rows_count`, `tables_count`, ...).
    public var loadMetrics: JSONObject?
    /// Per-table statistics.
    public var tableStats: [JSONValue]
    /// Free-form data.
    public var payload: JSONValue?
    /// How a `failed` run is classified (a plugin category: not `CANCELLED`); nil reads as `UNKNOWN`.
    public var category: ErrorCategory?
    /// A stable code for a `failed` run (`source_unreachable`, ...); nil reads as `runner_reported_failure`.
    public var code: String?
    /// Whether running again may succeed, for a `failed` run.
    public var retryable: Bool?

    /// Creates an outcome.
    public init(
        status: RunnerStatus, message: String? = nil, warnings: [String] = [], loadMetrics: JSONObject? = nil,
        tableStats: [JSONValue] = [], payload: JSONValue? = nil, category: ErrorCategory? = nil,
        code: String? = nil, retryable: Bool? = nil
    ) {
        self.status = status
        self.message = message
        self.warnings = warnings
        self.loadMetrics = loadMetrics
        self.tableStats = tableStats
        self.payload = payload
        self.category = category
        self.code = code
        self.retryable = retryable
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["status": .string(status.rawValue)]
        if let message { object["message"] = .string(message) }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
        if let loadMetrics { object["load_metrics"] = .object(loadMetrics) }
        if !tableStats.isEmpty { object["table_stats"] = .array(tableStats) }
        if let payload { object["payload"] = payload }
        if let category { object["category"] = .string(category.rawValue) }
        if let code { object["code"] = .string(code) }
        if let retryable { object["retryable"] = .bool(retryable) }
        return .object(object)
    }

    /// Reads the JSON form.
    ///
    /// - Throws: a violation when `status` is missing or unknown, or when `category` is not a plugin category,
    ///   `code` not a non-empty string or `retryable` not a boolean.
    public init(json: JSONValue) throws(ProtocolViolation) {
        guard let raw = json["status"]?.stringValue, let parsed = RunnerStatus(rawValue: raw) else {
            throw ProtocolViolation(
                "runner/run result: \"status\" must be success, partial_success or failed, got "
                    + (json["status"]?.jsonText ?? "nothing"))
        }
        status = parsed
        message = json["message"]?.stringValue
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        loadMetrics = json["load_metrics"]?.objectValue
        tableStats = json["table_stats"]?.arrayValue ?? []
        payload = json["payload"]
        let classification = try Self.classification(json)
        category = classification.category
        code = classification.code
        retryable = classification.retryable
    }

    /// The optional `category`, `code` and `retryable` of `json`, checked.
    private static func classification(_ json: JSONValue) throws(ProtocolViolation) -> (
        category: ErrorCategory?, code: String?, retryable: Bool?
    ) {
        func invalid(_ member: String, _ expected: String) -> ProtocolViolation {
            ProtocolViolation(
                "runner/run result: \"\(member)\" must be \(expected), got \(json[member]?.jsonText ?? "nothing")")
        }
        var category: ErrorCategory?
        if let member = json["category"] {
            let names = ErrorCategory.pluginCategories.map(\.rawValue)
            guard let raw = member.stringValue, let parsed = ErrorCategory(rawValue: raw),
                ErrorCategory.pluginCategories.contains(parsed)
            else { throw invalid("category", "one of " + names.joined(separator: ", ")) }
            category = parsed
        }
        var code: String?
        if let member = json["code"] {
            guard let text = member.stringValue, !text.isEmpty else { throw invalid("code", "a non-empty string") }
            code = text
        }
        var retryable: Bool?
        if let member = json["retryable"] {
            guard let flag = member.boolValue else { throw invalid("retryable", "a boolean") }
            retryable = flag
        }
        return (category, code, retryable)
    }
}

/// What a hook returned for one event.
public struct HookOutcome: Sendable, Equatable {
    /// False vetoes the run in `pre_run`, and is a warning in the other events.
    public var ok: Bool
    /// Why, for people.
    public var message: String?

    /// Creates an outcome.
    public init(ok: Bool, message: String? = nil) {
        self.ok = ok
        self.message = message
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["ok": .bool(ok)]
        if let message { object["message"] = .string(message) }
        return .object(object)
    }

    /// Reads the JSON form; a missing `ok` means ok.
    public init(json: JSONValue) {
        ok = json["ok"]?.boolValue ?? true
        message = json["message"]?.stringValue
    }
}

/// What a check's `run` returned.
public struct CheckOutcome: Sendable, Equatable {
    /// Whether the check passed.
    public var ok: Bool
    /// Why it failed.
    public var errors: [String]
    /// What is worth a look.
    public var warnings: [String]
    /// Measurements (`latency_ms`, ...).
    public var details: JSONObject

    /// Creates an outcome.
    public init(ok: Bool, errors: [String] = [], warnings: [String] = [], details: JSONObject = JSONObject()) {
        self.ok = ok
        self.errors = errors
        self.warnings = warnings
        self.details = details
    }

    /// The JSON form.
    public var json: JSONValue {
        [
            "ok": .bool(ok),
            "errors": .array(errors.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }),
            "details": .object(details),
        ]
    }

    /// Reads the JSON form; `ok` is false when missing or when errors are listed.
    public init(json: JSONValue) {
        errors = json["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        ok = (json["ok"]?.boolValue ?? false) && errors.isEmpty
        details = json["details"]?.objectValue ?? JSONObject()
    }
}

/// Log levels of `log` notifications.
public enum LogLevel: String, Sendable, Comparable, CaseIterable {
    /// Detail for debugging.
    case debug
    /// Normal progress.
    case info
    /// Something worth a look.
    case warning
    /// Something failed.
    case error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// Reads a level word leniently (`WARN`, `Warning`, `err`, `fatal`, ...).
    public init?(word: some StringProtocol) {
        switch word.lowercased() {
        case "debug", "trace": self = .debug
        case "info", "notice": self = .info
        case "warn", "warning": self = .warning
        case "error", "err", "fatal", "critical", "crit", "panic": self = .error
        default: return nil
        }
    }
}
