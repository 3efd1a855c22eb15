/// The status of a run, as the result document reports it.
public enum RunStatus: String, Sendable {
    /// The runner loaded everything.
    case success
    /// The runner loaded part of it, within the manifest's tolerance.
    case partialSuccess = "partial_success"
    /// The run failed.
    case failed
    /// `--plan`: nothing ran.
    case planned
    /// `--dry-run`: validated and checked, nothing loaded.
    case dryRun = "dry_run"
    /// `--dry-run-online`: validated, checked including the online checks, nothing loaded.
    case dryRunOnline = "dry_run_online"
    /// Stopped by a signal.
    case cancelled
}
