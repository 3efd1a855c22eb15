import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation

/// The scenarios of the `data` feature (PROTOCOL.md §8), for runners of a plugin that lists `data.v1` in its
/// `initialize` answer. Each `runner/run` carries a `data` member naming a fresh spool folder, and its `data/*`
/// requests are answered by a `KitDataHost`. The manifest names a small CSV file the kit writes (`source.path`),
/// so a file-reading runner has rows to send.
extension Scenarios {
    /// The names of the data scenarios, in order.
    static let dataScenarioNames = ["data_requests", "data_resume", "data_error"]

    /// Every data scenario, for the runners in `runners` (those of a plugin that negotiated `data.v1`; empty:
    /// none applies).
    func dataScenarios(_ runners: [RunnerInfo]) async -> [ScenarioResult] {
        writeSampleRows()
        return [await dataRequests(runners), await dataResume(runners), await dataError(runners)]
    }

    private func dataRequests(_ runners: [RunnerInfo]) async -> ScenarioResult {
        await timed("data_requests") {
            guard !runners.isEmpty else { return (true, "no runner advertises data.v1") }
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            var problems: [String] = []
            var seen: [String] = []
            for (index, runner) in runners.enumerated() {
                let host = KitDataHost(spoolDirectory: spoolDirectory("requests-\(index)"))
                defer { host.removeSpool() }
                let outcome = await dataRun(session, runner, host)
                let tally = host.tally
                problems += tally.problems.map { "\(runner.kind): \($0)" }
                if case .broken(let why) = outcome {
                    problems.append("\(runner.kind): \(why)")
                } else {
                    seen.append("\(runner.kind): \(Self.describe(tally)); run answered \(outcome.text)")
                }
            }
            return problems.isEmpty ? (true, seen.joined(separator: "; ")) : (false, problems.joined(separator: "; "))
        }
    }

    private func dataResume(_ runners: [RunnerInfo]) async -> ScenarioResult {
        await timed("data_resume") {
            guard !runners.isEmpty else { return (true, "no runner advertises data.v1") }
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            var problems: [String] = []
            var seen: [String] = []
            for (index, runner) in runners.enumerated() {
                let first = KitDataHost(spoolDirectory: spoolDirectory("resume-\(index)-1"))
                defer { first.removeSpool() }
                let firstOutcome = await dataRun(session, runner, first)
                let before = first.tally
                if firstOutcome.failed, before.problems.isEmpty, before.requests == 0 {
                    seen.append(
                        "\(runner.kind): not exercised, the first run answered \(firstOutcome.text) before any data/* "
                            + "request (the synthetic manifest may not fit it)")
                    continue
                }
                guard !firstOutcome.failed, before.problems.isEmpty else {
                    problems.append("\(runner.kind) first run: " + Self.failure(firstOutcome, before))
                    continue
                }
                let second = KitDataHost(spoolDirectory: spoolDirectory("resume-\(index)-2"), previous: before)
                defer { second.removeSpool() }
                let secondOutcome = await dataRun(session, runner, second)
                let after = second.tally
                guard !secondOutcome.failed, after.problems.isEmpty else {
                    problems.append("\(runner.kind) resumed run: " + Self.failure(secondOutcome, after))
                    continue
                }
                let from =
                    before.checkpoints == 0
                    ? "no checkpoint in the first run, so the second started from null state"
                    : "resumed from state \(before.state.jsonText.prefix(80)), streams "
                        + "\(JSONValue.object(before.streams).jsonText.prefix(80))"
                let comparison =
                    after.rows <= before.rows
                    ? "\(after.rows) ≤ \(before.rows) rows"
                    : "\(after.rows) rows after resuming, more than the first run's \(before.rows) (it should be fewer or equal)"
                seen.append(
                    "\(runner.kind): \(from); \(comparison); runs answered \(firstOutcome.text), \(secondOutcome.text)")
            }
            return problems.isEmpty ? (true, seen.joined(separator: "; ")) : (false, problems.joined(separator: "; "))
        }
    }

    private func dataError(_ runners: [RunnerInfo]) async -> ScenarioResult {
        await timed("data_error") {
            guard !runners.isEmpty else { return (true, "no runner advertises data.v1") }
            let session = try await open()
            defer { Task { await session.close() } }
            _ = try await session.handshake()
            var problems: [String] = []
            var seen: [String] = []
            for (index, runner) in runners.enumerated() {
                let host = KitDataHost(spoolDirectory: spoolDirectory("error-\(index)"), failFirstWrite: true)
                defer { host.removeSpool() }
                let outcome = await dataRun(session, runner, host)
                let tally = host.tally
                problems += tally.problems.map { "\(runner.kind): \($0)" }
                if case .broken(let why) = outcome {
                    problems.append("\(runner.kind): \(why)")
                } else if tally.injected == 0 {
                    seen.append(
                        "\(runner.kind): not exercised, it sent no data/write (run answered \(outcome.text))")
                } else if outcome.failed {
                    seen.append(
                        "\(runner.kind): destination_failed on the first data/write ended the run with \(outcome.text)")
                } else {
                    problems.append(
                        "\(runner.kind): the first data/write was answered destination_failed, yet runner/run "
                            + "answered \(outcome.text) (expected status failed or an error)")
                }
            }
            return problems.isEmpty ? (true, seen.joined(separator: "; ")) : (false, problems.joined(separator: "; "))
        }
    }

    // MARK: - Helpers

    /// How a data run ended: a terminal answer (a status, or a JSON-RPC error), or none.
    enum DataRunOutcome {
        case status(RunnerStatus)
        case error(RPCError)
        case broken(String)

        /// Whether the runner reported failure: status `failed`, or an error.
        var failed: Bool {
            switch self {
            case .status(let status): status == .failed
            case .error: true
            case .broken: false
            }
        }

        /// The answer, for people.
        var text: String {
            switch self {
            case .status(let status): status.rawValue
            case .error(let error): "error \(error.code) (\(error.message))"
            case .broken(let why): why
            }
        }
    }

    /// One `runner/run` of `runner` with `host` serving its `data/*` requests.
    private func dataRun(_ session: KitSession, _ runner: RunnerInfo, _ host: KitDataHost) async -> DataRunOutcome {
        session.connection.serveRequests(identified: host.answer)
        defer { session.connection.serveRequests(identified: nil) }
        var runContext = context(kind: runner.kind)
        runContext.mode = .run
        let params = RunnerRunParams(
            kind: runner.kind, manifest: dataManifest(kind: runner.kind), context: runContext, data: host.params)
        let noiseBefore = session.noise.count
        do throws(PluginFailure) {
            let value = try await session.connection.call(
                ProtocolMethod.runnerRun, params: params.json, timeout: kit.callTimeout)
            guard let outcome = try? RunOutcome(json: value) else {
                return .broken("runner/run answered without a valid status: \(value.jsonText.prefix(200))")
            }
            return .status(outcome.status)
        } catch {
            if case .rpcError(let rpc) = error.reason { return .error(rpc) }
            observed.note(error)
            let noise = session.noise.dropFirst(noiseBefore)
            let unread = noise.first.map {
                "; a line that is not a protocol message (an id not an integer?): \"\($0)\""
            }
            return .broken("no terminal runner/run answer: \(error.summary)\(unread ?? "")")
        }
    }

    private static func failure(_ outcome: DataRunOutcome, _ tally: KitDataHost.Tally) -> String {
        var reasons = tally.problems
        if case .broken(let why) = outcome {
            reasons.append(why)
        } else if outcome.failed {
            reasons.append("runner/run answered \(outcome.text)")
        }
        return reasons.joined(separator: "; ")
    }

    private static func describe(_ tally: KitDataHost.Tally) -> String {
        guard tally.requests > 0 else {
            return "sent no data/* request (the synthetic manifest may not fit it)"
        }
        let opened = tally.opened.isEmpty ? "no stream opened" : "opened \(tally.opened.joined(separator: ", "))"
        return "\(opened), \(tally.writes) write(s) of \(tally.rows) row(s), \(tally.checkpoints) checkpoint(s)"
    }

    /// The manifest of the data scenarios: the usual one, with `source.path` naming the kit's CSV file.
    private func dataManifest(kind: String) -> JSONValue {
        guard case .object(var object) = manifest(kind: kind) else { return manifest(kind: kind) }
        object["source"] = ["kind": .string(kind), "path": .string(Self.sampleFile)]
        return .object(object)
    }

    /// A fresh spool folder inside the kit's directory.
    private func spoolDirectory(_ name: String) -> String {
        directory + "/spool-" + name
    }

    static let sampleFile = "conformance.csv"

    /// Writes the rows the data manifest names.
    private func writeSampleRows() {
        let text = "id,text\n1,hello\n2,bonjour\n3,hallo\n"
        _ = FileManager.default.createFile(atPath: directory + "/" + Self.sampleFile, contents: Data(text.utf8))
    }
}
