public import DltafJSON

/// The `runner/validate` answer (`protocol/schema/runner.validate.result.json`): valid unless a diagnostic has
/// severity `error`.
public struct RunnerValidateResult: Sendable, Equatable {
    /// Every finding.
    public var diagnostics: [Diagnostic]

    /// Creates a validate answer.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// The JSON form.
    public var json: JSONValue {
        ["diagnostics": .array(diagnostics.map(\.json))]
    }

    /// Reads the JSON form; `diagnostics` must be a list.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("runner/validate result", json)
        guard let items = try reader.array("diagnostics") else {
            throw ProtocolViolation("\(reader.what): \"diagnostics\" is required (a list)")
        }
        diagnostics = items.map(Diagnostic.init(json:))
    }
}

/// The `check/applies` answer (`protocol/schema/check.applies.result.json`).
public struct CheckAppliesResult: Sendable, Equatable {
    /// Whether the check runs by default for this manifest.
    public var applies: Bool
    /// Why, for people.
    public var reason: String?

    /// Creates an applies answer.
    public init(applies: Bool, reason: String? = nil) {
        self.applies = applies
        self.reason = reason
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: JSONObject = ["applies": .bool(applies)]
        if let reason { object["reason"] = .string(reason) }
        return .object(object)
    }

    /// Reads the JSON form; `applies` must be a boolean.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("check/applies result", json)
        guard let flag = try reader.bool("applies") else {
            throw ProtocolViolation("\(reader.what): \"applies\" is required (a boolean)")
        }
        applies = flag
        reason = try reader.string("reason")
    }
}
