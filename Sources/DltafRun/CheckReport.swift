public import DltafJSON
public import DltafProtocol

/// Whether one check applies to a manifest, as its provider answered `check/applies`.
public struct CheckApplicability: Sendable, Equatable {
    /// The provider's answer (false when the call failed).
    public var applies: Bool
    /// Why, if the provider said.
    public var reason: String?
    /// Why the call failed, if it did.
    public var error: String?

    /// Creates an answer.
    public init(applies: Bool, reason: String? = nil, error: String? = nil) {
        self.applies = applies
        self.reason = reason
        self.error = error
    }

    /// `{applies, reason}` or, for a failed call, `{applies: false, error}`.
    public var json: JSONValue {
        if let error { return ["applies": .bool(applies), "error": .string(error)] }
        return ["applies": .bool(applies), "reason": reason.map(JSONValue.string) ?? .null]
    }
}

/// What the online checks of a run found: one entry per selected check, in selection order.
public struct CheckReport: Sendable {
    /// One check's outcome.
    public struct Entry: Sendable {
        /// The check's name.
        public var name: String
        /// What it answered (a failed call is a failed outcome).
        public var outcome: CheckOutcome
        /// Its provider (`builtin`, or the plugin's spec).
        public var origin: String
        /// How long the call took.
        public var milliseconds: Double
    }

    /// The checks that ran, in order.
    public var selected: [String]
    /// Their outcomes, in `selected` order.
    public var entries: [Entry]
    /// The bound of each call.
    public var timeoutSeconds: Double

    /// Every error, prefixed with its check's name (a failed check without errors says `failed`).
    public var errors: [String] {
        entries.flatMap { entry in
            let listed = entry.outcome.errors.map { "\(entry.name): \($0)" }
            return !entry.outcome.ok && listed.isEmpty ? ["\(entry.name): failed"] : listed
        }
    }

    /// Every warning, prefixed with its check's name.
    public var warnings: [String] { entries.flatMap { entry in entry.outcome.warnings.map { "\(entry.name): \($0)" } } }

    /// Whether every check passed.
    public var ok: Bool { errors.isEmpty }

    /// Each check's outcome with its origin and duration, by name.
    public var resultsJSON: JSONObject {
        var results = JSONObject()
        for entry in entries {
            var object = entry.outcome.json.objectValue ?? JSONObject()
            object["origin"] = .string(entry.origin)
            object["duration_ms"] = .double(entry.milliseconds.rounded3)
            results[entry.name] = .object(object)
        }
        return results
    }

    /// `{ok, selected, errors, warnings, timeout_seconds, results}`, as the result document shows it.
    public var json: JSONValue {
        [
            "ok": .bool(ok), "selected": .array(selected.map { .string($0) }),
            "errors": .array(errors.map { .string($0) }), "warnings": .array(warnings.map { .string($0) }),
            "timeout_seconds": .double(timeoutSeconds), "results": .object(resultsJSON),
        ]
    }
}
