public import DltafJSON
public import DltafPluginHost

/// What `dltaf infra-checks list|run` is asked.
public struct InfraCheckRequest: Sendable {
    /// The manifest file.
    public var manifestPath: String
    /// dltaf's environment.
    public var environment: [String: String]
    /// Whether `DLT_INFRA_CHECK_PLUGINS` is read.
    public var includeEnvironmentPlugins = true
    /// `--only`: exactly these checks, in this order, instead of the manifest's selection.
    public var only: [String]?
    /// The limit for each check.
    public var timeout: Duration = .seconds(5)
    /// Per-plugin session limits.
    public var limits = ConnectionLimits()
    /// Signals stop the plugins through it.
    public var cancellation: RunCancellation?

    /// Creates a request.
    public init(manifestPath: String, environment: [String: String]) {
        self.manifestPath = manifestPath
        self.environment = environment
    }
}

/// One check in `dltaf infra-checks list`.
public struct InfraCheckRow: Sendable {
    /// The check's name.
    public var name: String
    /// `builtin` or `plugin:<spec>`.
    public var origin: String
    /// Its `applies` answer.
    public var applies: Bool
    /// Why (or the error of the `applies` call).
    public var reason: String?
    /// Whether the manifest's selection (or `--only`) selects it.
    public var selected: Bool
    /// One line about it.
    public var description: String?

    /// The JSON form.
    public var json: JSONValue {
        [
            "name": .string(name), "origin": .string(origin), "applies": .bool(applies),
            "reason": reason.map { .string($0) } ?? .null, "selected": .bool(selected),
            "description": description.map { .string($0) } ?? .null,
        ]
    }
}

/// The result of `dltaf infra-checks run`.
public struct InfraCheckReport: Sendable {
    /// No check and no check plugin failed.
    public var ok: Bool
    /// `<check>: <message>` for every failure, plugin load errors first.
    public var errors: [String]
    /// `<check>: <message>` for every warning (`dependency_missing: ...` among them).
    public var warnings: [String]
    /// `{ok, errors, warnings, timeout_seconds, selected_checks, plugins, <check>: result..., not_selected}`,
    /// redacted.
    public var document: JSONValue
}
