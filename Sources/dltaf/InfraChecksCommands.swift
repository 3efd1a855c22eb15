import ArgumentParser
import DltafJSON
import DltafProtocol
import DltafRun
import Foundation

extension Dltaf {
    /// `dltaf infra-checks list|run`.
    struct InfraChecksGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "infra-checks",
            abstract: "List and run the online (infra) checks of a manifest, without running it.",
            discussion: """
                Checks are the built-ins (tcp, http, postgres, sqlite, env, path) plus those of the plugins listed \
                in DLT_INFRA_CHECK_PLUGINS and run.online_checks.plugins. By default a check runs when its \
                `applies` answer is true; run.online_checks.only/enable/disable adjust that, and --only replaces it. \
                Settings live at run.online_checks.config.<name>. See docs/infra-checks.md.
                """,
            subcommands: [List.self, Run.self])
    }
}

/// Flags shared by `infra-checks list` and `infra-checks run`.
struct InfraCheckOptions: ParsableArguments {
    @Option(name: .customLong("manifest"), help: "The manifest whose checks to list or run.")
    var manifest: String

    @Flag(name: .customLong("no-env-plugins"), help: "Ignore DLT_INFRA_CHECK_PLUGINS.")
    var noEnvironmentPlugins = false

    @Option(name: .customLong("timeout-seconds"), help: "Seconds each check (and each `applies` call) may take.")
    var timeoutSeconds: Double = 5

    @Option(
        name: .customLong("log-level"), help: "Lowest plugin log level shown on stderr.")
    var logLevel: LogLevel = .warning

    func validate() throws {
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else {
            throw ValidationError("--timeout-seconds must be a positive number.")
        }
    }

    /// The request for the library, with the cancellation signals feed.
    func request(cancellation: RunCancellation) -> InfraCheckRequest {
        var request = InfraCheckRequest(manifestPath: manifest, environment: ProcessInfo.processInfo.environment)
        request.includeEnvironmentPlugins = !noEnvironmentPlugins
        request.timeout = .milliseconds(Int64((timeoutSeconds * 1000).rounded()))
        request.cancellation = cancellation
        return request
    }

    var console: Console { Console(minimumLevel: logLevel) }

    /// Prints a configuration error and ends with its exit code (2).
    static func fail(_ error: RunError) -> ExitCode {
        Output.printError("error: \(error.message)")
        return ExitCode(error.exitCode)
    }
}

extension Dltaf.InfraChecksGroup {
    /// `dltaf infra-checks list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every check: origin, whether it applies to the manifest, whether it is selected.",
            discussion: """
                Each check's `applies` call is made (plugins are started for it), so the APPLIES column says \
                what this manifest would run by default; SELECTED is after run.online_checks.only/enable/disable.

                Examples:
                  dltaf infra-checks list --manifest pipelines/orders.yaml
                  dltaf infra-checks list --manifest M.yaml --format json --selected-only
                  DLT_INFRA_CHECK_PLUGINS=acme.checks dltaf infra-checks list --manifest M.yaml --show-plugins

                Exit codes: 0 listed; 2 bad usage, invalid manifest or plugin configuration (a check plugin that \
                fails to start is listed under the plugin errors and also exits 2).
                """)

        @OptionGroup var options: InfraCheckOptions

        @Option(name: .customLong("format"), help: "How to print the checks.")
        var format: ListFormat = .table

        @Flag(name: .customLong("selected-only"), help: "Only the checks that would run.")
        var selectedOnly = false

        @Flag(name: .customLong("show-plugins"), help: "Also print the plugin loading report.")
        var showPlugins = false

        func run() async throws {
            let console = options.console
            let cancellation = RunCancellation(console: console)
            let signals = SignalWatcher { name in cancellation.cancel(signalName: name) }
            let service = InfraChecks(console: console, hostVersion: DltafVersion.current)
            let listing: (rows: [InfraCheckRow], plugins: JSONValue)
            do {
                listing = try await service.list(options.request(cancellation: cancellation))
            } catch {
                throw InfraCheckOptions.fail(error)
            }
            withExtendedLifetime(signals) {}
            let rows = listing.rows.filter { !selectedOnly || $0.selected }
            let pluginErrors = (listing.plugins["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
            switch format.document {
            case nil:
                Output.print(InfraCheckRow.table(rows))
                if showPlugins { InfraCheckRow.pluginLines(listing.plugins).forEach(Output.print) }
                for error in pluginErrors { Output.printError("error: \(error)") }
            case let document?:
                var object: JSONObject = ["checks": .array(rows.map(\.json))]
                if showPlugins || !pluginErrors.isEmpty { object["plugins"] = listing.plugins }
                Output.print(document.render(.object(object)))
            }
            if !pluginErrors.isEmpty { throw ExitCode(.usageOrManifest) }
        }
    }

    /// `dltaf infra-checks run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the selected checks concurrently and print the report.",
            discussion: """
                The report: {ok, errors, warnings, timeout_seconds, selected_checks, plugins: {requested, \
                results, errors}, <check>: {ok, errors, warnings, details, origin, duration_ms}, ..., \
                not_selected: {<check>: {applies, reason}}}. A check whose client library is missing \
                (dependency_missing: ...) is a warning, not an error. Secrets never appear in it.

                Examples:
                  dltaf infra-checks run --manifest pipelines/orders.yaml
                  dltaf infra-checks run --manifest M.yaml --only postgres,http --format json
                  dltaf infra-checks run --manifest M.yaml --strict --timeout-seconds 10

                Exit codes: 0 every selected check passed; 3 a check or a check plugin failed (with --strict, \
                also when there is any warning); 2 bad usage, an invalid manifest, an unknown --only name, or a \
                plugin configuration error.
                """)

        @OptionGroup var options: InfraCheckOptions

        @Option(
            name: .customLong("only"),
            help: "Run exactly these checks (comma- or ;-separated), instead of the manifest's selection.")
        var only: String?

        @Flag(name: .customLong("selected-only"), help: "Leave the checks that were not selected out of the report.")
        var selectedOnly = false

        @Flag(name: .customLong("summary-only"), help: "Print only {ok, errors, warnings}.")
        var summaryOnly = false

        @Flag(name: .customLong("strict"), help: "Warnings fail too (exit 3).")
        var strict = false

        @Option(name: .customLong("format"), help: "How to print the report.")
        var format: DocumentFormat = .yaml

        func validate() throws {
            if let only, Self.names(only).isEmpty { throw ValidationError("--only needs at least one check name.") }
        }

        /// `a,b;c` → `[a, b, c]`.
        static func names(_ list: String) -> [String] {
            list.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() async throws {
            let console = options.console
            let cancellation = RunCancellation(console: console)
            let signals = SignalWatcher { name in cancellation.cancel(signalName: name) }
            var request = options.request(cancellation: cancellation)
            request.only = only.map(Self.names)
            let report: InfraCheckReport
            do {
                report = try await InfraChecks(console: console, hostVersion: DltafVersion.current).run(request)
            } catch {
                throw InfraCheckOptions.fail(error)
            }
            withExtendedLifetime(signals) {}
            var document = report.document.objectValue ?? JSONObject()
            if selectedOnly { document["not_selected"] = nil }
            if summaryOnly {
                document = [
                    "ok": .bool(report.ok), "errors": document["errors"] ?? [], "warnings": document["warnings"] ?? [],
                ]
            }
            Output.print(format.render(.object(document)))
            if cancellation.isCancelled { throw ExitCode(.cancelled) }
            if !report.ok || (strict && !report.warnings.isEmpty) {
                throw ExitCode(.checksFailed)
            }
        }
    }
}
