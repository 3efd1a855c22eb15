public import DltafPluginHost
public import DltafSecrets
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
        /// Validate, build the plan and run the offline checks (credentials present); nothing loads.
        case dryRun = "dry_run"
        /// `dryRun` plus the online (infra) checks.
        case dryRunOnline = "dry_run_online"

        /// Whether the mode builds a plan (`plan`, `dry_run`, `dry_run_online`).
        public var isPlanMode: Bool { self == .plan || self == .dryRun || self == .dryRunOnline }
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
    public var validateTimeout: Duration = RunRequest.defaultValidateTimeout
    /// The default bound of one `runner/validate` call (also what `manifest lint` uses).
    public static let defaultValidateTimeout: Duration = .seconds(60)
    /// Limit for the runner's run; nil waits as long as the runner works.
    public var runTimeout: Duration?
    /// Limit for each online check of `--dry-run-online` (`--online-timeout-seconds`); nil uses `checkTimeout`.
    public var onlineTimeout: Duration?
    /// `--dry-run-strict`: a dry run with any error fails (exit 3).
    public var dryRunStrict = false
    /// `--explain-config`: print each resolved variable and where it came from (never its value).
    public var explainConfig = false
    /// Seconds each Vault request may take (`--vault-timeout`); nil reads `VAULT_TIMEOUT`, else 10.
    public var vaultTimeoutSeconds: Double?
    /// Reads Vault secrets; nil uses Vault's HTTP API as configured by `VAULT_ADDR`/`VAULT_TOKEN` (tests inject
    /// fakes here).
    public var vaultReader: (any VaultSecretReader)?

    /// Creates a request.
    public init(manifestPath: String, environment: [String: String]) {
        self.manifestPath = manifestPath
        self.environment = environment
    }
}
