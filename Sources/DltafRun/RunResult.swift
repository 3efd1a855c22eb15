public import DltafJSON
public import DltafLoad
public import DltafManifest
public import DltafProtocol
public import DltafSecrets
import DltafYAML
import Foundation

/// Why a run failed, classified.
public struct RunError: Error, Sendable, CustomStringConvertible {
    /// The taxonomy category.
    public var category: ErrorCategory
    /// A stable code (`manifest_invalid`, `plugin_not_found`, `runner_failed`, `plugin_timeout`, ...).
    public var code: String
    /// For people; already redacted.
    public var message: String
    /// Located manifest findings, when the manifest is at fault.
    public var diagnostics: [ManifestDiagnostic]
    /// The exit code this error ends the run with.
    public var exitCode: DltafExitCode
    /// Whether running again may succeed, when the plugin that failed said so (`retryable` of its error's
    /// `data` or of its `failed` run outcome); nil when nobody said.
    public var retryable: Bool?

    /// Creates an error.
    public init(
        _ category: ErrorCategory, code: String, message: String, diagnostics: [ManifestDiagnostic] = [],
        exitCode: DltafExitCode
    ) {
        self.category = category
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
        self.exitCode = exitCode
    }

    /// A configuration error (exit 2) from manifest findings.
    public static func manifest(_ error: ManifestError) -> RunError {
        RunError(
            .config, code: "manifest_invalid", message: error.description, diagnostics: error.diagnostics,
            exitCode: .usageOrManifest)
    }

    public var description: String { message }

    var json: JSONValue {
        var object: JSONObject = [
            "category": .string(category.rawValue), "code": .string(code), "message": .string(message),
        ]
        if let retryable { object["retryable"] = .bool(retryable) }
        if !diagnostics.isEmpty { object["diagnostics"] = .array(diagnostics.map(\.json)) }
        return .object(object)
    }
}

extension ManifestDiagnostic {
    /// The JSON form used in result documents and `--json` output.
    public var json: JSONValue {
        var object: JSONObject = [
            "severity": .string(severity.rawValue), "code": .string(code), "message": .string(message),
            "file": .string(file),
        ]
        if let mark {
            object["line"] = .int(mark.line)
            object["column"] = .int(mark.column)
        }
        if let path { object["path"] = .string(path.description) }
        return .object(object)
    }
}

/// What one plugin process did during a run.
public struct PluginReport: Sendable {
    /// The spec.
    public var spec: String
    /// Where the spec came from (`env:DLT_RUNNER_PLUGINS`, `manifest:run.hooks.plugins`).
    public var origins: [String]
    /// The plugin's name and version from the handshake.
    public var name: String?
    /// The plugin's own version.
    public var version: String?
    /// The command started.
    public var executable: String
    /// How it was found.
    public var delivery: String
    /// The protocol version agreed.
    public var protocolVersion: Int?
    /// Spawn to handshake answer.
    public var startupMilliseconds: Double?
    /// Number of calls made after the handshake.
    public var calls = 0
    /// Time spent in those calls.
    public var callMilliseconds = 0.0
    /// How the process ended.
    public var exit: String?

    var json: JSONValue {
        var object: JSONObject = [
            "spec": .string(spec), "origins": .array(origins.map { .string($0) }),
            "executable": .string(executable), "delivery": .string(delivery), "calls": .int(calls),
            "call_ms": .double(callMilliseconds.rounded3),
        ]
        if let name { object["name"] = .string(name) }
        if let version { object["version"] = .string(version) }
        if let protocolVersion { object["protocol_version"] = .int(protocolVersion) }
        if let startupMilliseconds { object["startup_ms"] = .double(startupMilliseconds.rounded3) }
        if let exit { object["exit"] = .string(exit) }
        return .object(object)
    }
}

/// Which runner served the run, and what it answered.
public struct RunnerReport: Sendable {
    /// `source.kind`.
    public var kind: String
    /// `builtin`, the plugin's spec, or `none` (a plan of a built-in kind without a runner).
    public var origin: String
    /// Its `runner/run` answer, once it gave one.
    public var outcome: RunOutcome?

    /// `{kind, origin, outcome?}`.
    public var json: JSONValue {
        var object: JSONObject = ["kind": .string(kind), "origin": .string(origin)]
        if let outcome { object["outcome"] = outcome.json }
        return .object(object)
    }
}

/// The result document of `dltaf exec`.
public struct RunResult: Sendable {
    /// A fresh UUID per run.
    public var runID: String
    /// The outcome.
    public var status: RunStatus
    /// `run`, `validate`, `plan` or `dry_run`.
    public var mode: String
    /// One line for people.
    public var message: String
    /// Warnings gathered along the way.
    public var warnings: [String] = []
    /// The manifest file.
    public var manifestPath: String?
    /// `pipeline.name`.
    public var pipelineName: String?
    /// `source.kind`.
    public var sourceKind: String?
    /// When the run started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// Milliseconds per phase, in order.
    public var timings: [(phase: String, milliseconds: Double)] = []
    /// Every plugin process started.
    public var plugins: [PluginReport] = []
    /// The runner's kind and provider, and its outcome.
    public var runner: RunnerReport?
    /// What each hook did, in call order.
    public var hooks: [HookCall] = []
    /// The online checks report.
    public var checks: CheckReport?
    /// The plan (plan and dry-run modes).
    public var plan: JSONValue?
    /// The runner's `load_metrics`.
    public var loadMetrics: JSONValue?
    /// The runner's `table_stats`.
    public var tableStats: JSONValue?
    /// What dltaf's loader committed, for a runner that handed it its rows (`data.v1`).
    public var load: LoadSummary?
    /// The last checkpoint the runner reported.
    public var state: JSONValue?
    /// Why the run failed.
    public var error: RunError?
    /// The exit code.
    public var exitCode: DltafExitCode
    /// The variables resolved from `connections` (values never rendered: keys and provenance labels only).
    public var environment: ResolvedEnvironment?
    /// `--explain-config`: the document shows `env` even when nothing was resolved.
    public var explainConfig = false
    /// Applied to the whole document whenever it is rendered.
    public var redactor = Redactor()

    /// Creates a result in progress.
    public init(runID: String, mode: String, startedAt: Date) {
        self.runID = runID
        self.mode = mode
        self.startedAt = startedAt
        self.status = .failed
        self.message = ""
        self.exitCode = .runFailed
    }

    /// Marks the run failed with `error`.
    public mutating func fail(_ error: RunError) {
        self.error = error
        status = error.category == .cancelled ? .cancelled : .failed
        message = error.message
        exitCode = error.exitCode
    }

    /// The document, as `--json` prints it and the result file holds it.
    public var json: JSONValue {
        var object: JSONObject = [
            "run_id": .string(runID), "status": .string(status.rawValue), "mode": .string(mode),
            "message": .string(message), "warnings": .array(warnings.map { .string($0) }),
        ]
        if let manifestPath { object["manifest"] = .string(manifestPath) }
        if let pipelineName { object["pipeline"] = .string(pipelineName) }
        if let sourceKind { object["source_kind"] = .string(sourceKind) }
        object["started_at"] = .string(Self.timestamp(startedAt))
        if let finishedAt {
            object["finished_at"] = .string(Self.timestamp(finishedAt))
            object["duration_seconds"] = .double((finishedAt.timeIntervalSince(startedAt) * 1000).rounded() / 1000)
        }

        object["plugins"] = .array(plugins.map(\.json))
        if let runner { object["runner"] = runner.json }
        object["hooks"] = .array(hooks.map(\.json))
        if let checks { object["checks"] = checks.json }
        if let plan { object["plan"] = plan }
        if let load {
            object["load"] = load.json
            object["load_metrics"] = loadMetrics ?? load.metricsJSON
            object["table_stats"] = tableStats ?? load.tableStatsJSON
        } else {
            if let loadMetrics { object["load_metrics"] = loadMetrics }
            if let tableStats { object["table_stats"] = tableStats }
        }
        if let state { object["state"] = state }
        if let error { object["error"] = error.json }
        object["resources"] = ["max_rss_kb": .int(Self.maxResidentKilobytes())]
        object["exit_code"] = .int(Int(exitCode.rawValue))
        guard case .object(var document) = redactor.redact(.object(object)) else { return .null }
        // Timings are added after redaction: a key such as `secrets_ms` would be hidden wholesale.
        var timingObject = JSONObject()
        for (phase, milliseconds) in timings { timingObject[phase + "_ms"] = .double(milliseconds.rounded3) }
        document["timings"] = .object(timingObject)
        // Provenance labels are added after redaction: their keys (`..._PASSWORD`) would hide them wholesale.
        if let environment, explainConfig || !environment.isEmpty {
            document["env"] = environment.report(redactor)
        }
        if plan != nil { document["plan"] = redactedPlan }
        return .object(document)
    }

    /// The plan as shown and written (`--plan-output`): redacted, with the provenance of each variable.
    public var redactedPlan: JSONValue? {
        guard let plan, case .object(var object) = redactor.redact(plan) else { return plan.map(redactor.redact) }
        if object["env"] != nil {
            let references = plan["env"]?["references"]?.arrayValue?.compactMap(\.stringValue) ?? []
            object["env"] = (environment ?? ResolvedEnvironment()).planReport(redactor, references: references)
        }
        return .object(object)
    }

    /// One line for people, redacted.
    public var redactedMessage: String { redactor.redact(text: message) }

    /// The warnings, redacted.
    public var redactedWarnings: [String] { warnings.map { redactor.redact(text: $0) } }

    /// dltaf's own peak resident memory so far, in KiB: `VmHWM` of /proc/self/status. (getrusage's
    /// `ru_maxrss` is not used: Linux carries it over from the process that started dltaf.)
    static func maxResidentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        UTCDate(date).rfc3339
    }
}

extension Double {
    /// Rounded to three decimals, for readable timings.
    var rounded3: Double { (self * 1000).rounded() / 1000 }
}
