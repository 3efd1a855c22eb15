import DltafJSON
import DltafProtocol
import Foundation

/// The built-in `env` check: are the variables a pipeline needs set (and not empty)? Reports names, never
/// values.
///
/// Config (`run.online_checks.config.env`): `required` (a list of variable names).
struct EnvCheck: BuiltinCheck {
    let name = "env"
    let summary = "Required environment variables are set (names only, never values)"
    /// The environment checked.
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String) {
        request.strings("required").isEmpty
            ? (false, "no required list in run.online_checks.config.env") : (true, "required variables listed")
    }

    func run(_ request: CheckRequest) async -> CheckOutcome {
        let required = request.strings("required")
        guard !required.isEmpty else { return .notConfigured("set required in run.online_checks.config.env") }
        let missing = required.filter { environment[$0] == nil }
        let empty = required.filter { environment[$0]?.isEmpty == true }
        var errors: [String] = []
        if !missing.isEmpty { errors.append("missing environment variables: \(missing.joined(separator: ", "))") }
        if !empty.isEmpty { errors.append("empty environment variables: \(empty.joined(separator: ", "))") }
        return CheckOutcome(
            ok: errors.isEmpty, errors: errors,
            details: [
                "attempted": true, "required": .array(required.map { .string($0) }),
                "missing": .array(missing.map { .string($0) }), "empty": .array(empty.map { .string($0) }),
            ])
    }
}
