import DltafManifest

/// Names built into the Python dltaf that dltaf does not provide. Disabling one is accepted (there is nothing
/// to disable); asking for one is an error that says so, instead of a bare "unknown hook".
public enum CompatibilityNames {
    /// The Python dltaf's built-in hooks.
    public static let hooks: Set<String> = [
        "basic_logging", "env_summary", "dlt_progress_control", "runtime_summary", "explain_config", "audit_run",
        "replace_policy",
    ]
    /// The Python dltaf's built-in infra checks.
    public static let checks: Set<String> = ["clickhouse", "kafka"]

    /// Whether `unknown` is a Python built-in named under `disable` (nothing to disable: not an error).
    static func isDisabledPythonBuiltin(_ unknown: (name: String, path: ManifestPath), in names: Set<String>) -> Bool {
        names.contains(unknown.name) && unknown.path.description.contains(".disable[")
    }
}
