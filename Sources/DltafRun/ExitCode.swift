/// dltaf's exit codes, in one place.
public enum DltafExitCode: Int32, Sendable {
    /// The run (or check, or validation) succeeded.
    case success = 0
    /// The run failed.
    case runFailed = 1
    /// Bad usage, or a manifest or plugin configuration that cannot run.
    case usageOrManifest = 2
    /// Infra checks failed.
    case checksFailed = 3
    /// Cancelled by SIGINT/SIGTERM (128 + SIGINT).
    case cancelled = 130
}
