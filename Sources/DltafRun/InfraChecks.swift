public import DltafJSON
import DltafManifest
public import DltafPluginHost
import DltafProtocol
import Foundation

/// Lists and runs the online checks of a manifest outside of a run (`dltaf infra-checks`): the same catalog,
/// selection and concurrent execution as `dltaf exec`, with only the check plugins started.
public struct InfraChecks: Sendable {
    /// Where plugin logs go.
    public let console: Console
    /// How plugin processes are started.
    public let launcher: any ProcessLauncher
    /// dltaf's version, sent in the handshake.
    public let hostVersion: String

    /// Creates the service.
    public init(console: Console, launcher: any ProcessLauncher = FoundationProcessLauncher(), hostVersion: String) {
        self.console = console
        self.launcher = launcher
        self.hostVersion = hostVersion
    }

    /// Every check with its origin, `applies` answer and whether it is selected; plus the plugin report.
    ///
    /// - Throws: a configuration `RunError` (exit 2) for manifest or plugin configuration errors.
    public func list(_ request: InfraCheckRequest) async throws(RunError) -> (rows: [InfraCheckRow], plugins: JSONValue)
    {
        let session = try await InfraCheckSession.open(
            request, console: console, launcher: launcher, hostVersion: hostVersion)
        let context = context(for: session)
        let applicability = await OnlineChecks.applicability(session, context: context, timeout: request.timeout)
        let selected: Set<String>
        do throws(RunError) {
            selected = Set(try selection(session, request: request, applicability: applicability))
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        let rows = session.catalog.checks.names.compactMap { name -> InfraCheckRow? in
            guard let entry = session.catalog.checks[name] else { return nil }
            let answer = applicability[name]
            return InfraCheckRow(
                name: name, origin: entry.provider.origin, applies: answer?.applies ?? false,
                reason: (answer?.reason ?? answer?.error).map(session.redactor.redact(text:)),
                selected: selected.contains(name), description: entry.description)
        }
        return (rows, session.redactor.redact(session.pluginReport))
    }

    /// Runs the selected checks concurrently, each within `request.timeout`.
    ///
    /// - Throws: a configuration `RunError` (exit 2) for manifest or plugin configuration errors and unknown
    ///   `--only` names.
    public func run(_ request: InfraCheckRequest) async throws(RunError) -> InfraCheckReport {
        let session = try await InfraCheckSession.open(
            request, console: console, launcher: launcher, hostVersion: hostVersion)
        let context = context(for: session)
        let applicability = await OnlineChecks.applicability(session, context: context, timeout: request.timeout)
        let selected: [String]
        do throws(RunError) {
            selected = try selection(session, request: request, applicability: applicability)
        } catch {
            await session.close()
            throw error
        }
        let report = await OnlineChecks.run(
            session, selected: selected, context: context, timeout: request.timeout)
        await session.close()

        let unknown = request.only == nil ? session.unknownSelected : []
        let errors =
            session.pluginErrors + unknown.map { "unknown infra check name: \($0)" }
            + report.errors
        let warnings = report.warnings
        var document: JSONObject = [
            "ok": .bool(errors.isEmpty), "errors": .array(errors.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }),
            "timeout_seconds": .double(report.timeoutSeconds),
            "selected_checks": .array(selected.map { .string($0) }), "plugins": session.pluginReport,
        ]
        for (name, result) in report.resultsJSON where document[name] == nil {
            document[name] = result
        }
        for name in unknown where document[name] == nil {
            document[name] = ["attempted": false, "ok": false, "reason": "unknown_check"]
        }
        var notSelected = JSONObject()
        for name in session.catalog.checks.names where !selected.contains(name) {
            notSelected[name] = applicability[name]?.json ?? .null
        }
        document["not_selected"] = .object(notSelected)
        let redactor = session.redactor
        return InfraCheckReport(
            ok: errors.isEmpty, errors: errors.map(redactor.redact(text:)),
            warnings: warnings.map(redactor.redact(text:)),
            document: redactor.redact(.object(document)))
    }

    private func context(for session: InfraCheckSession) -> CallContext {
        CallContext.make(
            manifest: session.manifest, runID: UUID().uuidString.lowercased(), startedAt: Date(), mode: .dryRun)
    }

    /// `--only` (checked against the catalog), else the manifest's selection over the applicable checks.
    private func selection(
        _ session: InfraCheckSession, request: InfraCheckRequest, applicability: [String: CheckApplicability]
    ) throws(RunError) -> [String] {
        guard let only = request.only else { return OnlineChecks.select(session, applicability: applicability) }
        let available = session.catalog.checks.nameSet
        let unknown = only.filter { !available.contains($0) }
        guard unknown.isEmpty else {
            let names = unknown.map { "\"\($0)\"\(NameSelection.hint(for: $0, in: available))" }
            throw RunError(
                .config, code: "check.unknown",
                message: "--only names unknown check(s) \(names.joined(separator: ", ")); available: "
                    + session.catalog.checks.names.joined(separator: ", "),
                exitCode: .usageOrManifest)
        }
        var seen: Set<String> = []
        return only.filter { seen.insert($0).inserted }
    }
}
