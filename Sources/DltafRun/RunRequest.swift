public import DltafPluginHost
import Foundation

/// What `dltaf exec` was asked to do.
public struct RunRequest: Sendable {
    /// How far the run goes.
    public enum Mode: String, Sendable {
        /// Validate, check, run hooks and the runner.
        case run
        /// Stop after validation (including the runner's own).
        case validateOnly = "validate"
        /// Validate and print the plan; nothing runs.
        case plan
        /// Validate and run the online checks; nothing loads.
        case dryRun = "dry_run"
    }

    /// The manifest file.
    public var manifestPath: String
    /// `--set` arguments, in order.
    public var overrides: [String] = []
    /// `--write-disposition`, applied as `run.write_disposition`.
    public var writeDisposition: String?
    /// The mode.
    public var mode: Mode = .run
    /// dltaf's environment (plugins get an allowlist of it).
    public var environment: [String: String]
    /// Whether `DLT_*_PLUGINS` are read.
    public var includeEnvironmentPlugins = true
    /// Refuse plugins that do not match `dltaf-plugins.lock` next to the manifest.
    public var locked = false
    /// Per-plugin session limits.
    public var limits = ConnectionLimits()
    /// Limit for each online check.
    public var checkTimeout: Duration = .seconds(5)
    /// Limit for each hook call.
    public var hookTimeout: Duration = .seconds(60)
    /// Limit for the runner's validate.
    public var validateTimeout: Duration = .seconds(60)
    /// Limit for the runner's run; nil waits as long as the runner works.
    public var runTimeout: Duration?

    /// Creates a request.
    public init(manifestPath: String, environment: [String: String]) {
        self.manifestPath = manifestPath
        self.environment = environment
    }
}
