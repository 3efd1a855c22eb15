// Benchmark driver for `make bench` (scripts/bench.sh).
//
//   dltaf-bench decode PLUGIN_EXECUTABLE COUNT
//       Starts the flood plugin through the real plugin host and measures how many notifications per second
//       the host reads, splits, decodes and dispatches. Prints one JSON object.
//   dltaf-bench transcript KIND
//       Prints the exact request lines `dltaf exec` sends a runner (for running a plugin directly).
import DltafJSON
import DltafPluginHost
import DltafProtocol
import Foundation
import Synchronization

let arguments = CommandLine.arguments

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

func transcript(kind: String) -> String {
    let context = CallContext(
        runID: "00000000-0000-4000-8000-000000000000", startedAt: "2026-01-01T00:00:00.000Z", mode: .run,
        manifestPath: "/tmp/bench.yaml", manifestDirectory: "/tmp",
        pipeline: CallContext.Pipeline(name: "bench", destination: "none", dataset: "bench"), sourceKind: kind)
    let manifest: JSONValue = [
        "version": 1, "pipeline": ["name": "bench", "destination": "none", "dataset": "bench"],
        "source": ["kind": .string(kind)],
    ]
    let messages: [RPCMessage] = [
        .request(
            id: 1, method: ProtocolMethod.initialize,
            params: InitializeParams(hostVersion: "bench", spec: "bench", runID: "00000000-0000-4000-8000-000000000000")
                .json),
        .request(
            id: 2, method: ProtocolMethod.runnerValidate,
            params: RunnerValidateParams(kind: kind, manifest: manifest, context: context).json),
        .request(
            id: 3, method: ProtocolMethod.runnerRun,
            params: RunnerRunParams(kind: kind, manifest: manifest, context: context).json),
        .request(id: 4, method: ProtocolMethod.shutdown, params: [:]),
    ]
    return messages.map { String(decoding: $0.encodedLine(), as: UTF8.self) }.joined()
}

func decode(executable: String, count: Int) async {
    let received = Atomic<Int>(0)
    let plugin = ResolvedPlugin(
        spec: .dotted(["bench", "flood"]), delivery: .explicitPath, location: executable, executable: executable,
        pluginDirectory: (executable as NSString).deletingLastPathComponent)
    let connection = PluginConnection(plugin: plugin, launcher: FoundationProcessLauncher()) { event in
        if case .progress = event { received.add(1, ordering: .relaxed) }
    }
    var environment = ProcessInfo.processInfo.environment
    environment["DLTAF_BENCH_COUNT"] = String(count)
    do {
        _ = try await connection.start(
            launch: ProcessLaunch(
                executable: executable, arguments: [], environment: environment, workingDirectory: nil),
            params: InitializeParams(hostVersion: "bench", spec: "bench.flood", runID: "bench"))
        let started = ContinuousClock.now
        _ = try await connection.call(
            ProtocolMethod.runnerRun, params: RunnerRunParams(kind: "flood", manifest: [:], context: .empty).json)
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        await connection.shutdown()
        let messages = received.load(ordering: .relaxed)
        guard messages == count else { fail("expected \(count) notifications, received \(messages)") }
        let result: JSONValue = [
            "messages": .int(messages), "seconds": .double(seconds),
            "messages_per_second": .double(Double(messages) / seconds),
        ]
        print(result.jsonText)
    } catch {
        fail("decode benchmark failed: \(error)")
    }
}

switch arguments.dropFirst().first {
case "decode":
    guard arguments.count == 4, let count = Int(arguments[3]) else { fail("usage: dltaf-bench decode PLUGIN COUNT") }
    await decode(executable: arguments[2], count: count)
case "transcript":
    guard arguments.count == 3 else { fail("usage: dltaf-bench transcript KIND") }
    print(transcript(kind: arguments[2]), terminator: "")
default:
    fail("usage: dltaf-bench decode PLUGIN COUNT | transcript KIND")
}
