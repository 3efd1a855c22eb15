import DltafJSON
import DltafPluginHost
import DltafProtocol
import DltafTestSupport
import Foundation
import Synchronization
import Testing

/// Replays protocol/vectors transcripts against the sample plugins (PROTOCOL.md §6).
@Suite("protocol vectors replayed against every sample plugin")
struct VectorReplayTests {
    /// How to start each sample plugin, by spec.
    static let plugins: [String: [String]] = [
        "samples.swift.hello_runner": [
            TestPaths.binDirectory.appendingPathComponent("dltaf-plugin-samples-swift-hello_runner").path
        ],
        "samples.swift.noop_runner": [
            TestPaths.binDirectory.appendingPathComponent("dltaf-plugin-samples-swift-noop_runner").path
        ],
        "samples.python.audit_hook": [
            "/usr/bin/env", "python3",
            TestPaths.repoRoot.appendingPathComponent("samples/plugins/samples/python/audit_hook/audit_hook.py").path,
        ],
        "samples.bash.source_file_check": [
            TestPaths.repoRoot.appendingPathComponent("samples/plugins/samples/bash/source_file_check").path
        ],
    ]

    static func vectors(_ folder: String) -> [String] {
        let directory = TestPaths.repoRoot.appendingPathComponent("protocol/vectors/\(folder)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    static let commonCases: [(String, String)] = plugins.keys.sorted().flatMap { spec in
        vectors("common").map { (spec, $0) }
    }

    @Test("every common vector passes against every sample plugin", arguments: commonCases)
    func common(spec: String, vector: String) async throws {
        let command = try #require(Self.plugins[spec])
        try await Replayer(command: command).replay(vector)
    }

    @Test("each sample vector passes against its plugin", arguments: vectors("samples"))
    func sample(vector: String) async throws {
        let text = try String(contentsOfFile: vector, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("// plugin:") })
        let spec = header.dropFirst("// plugin:".count).trimmingCharacters(in: .whitespaces)
        let command = try #require(Self.plugins[spec], "no command for \(spec)")
        try await Replayer(command: command).replay(vector)
    }

    @Test("the vector matcher rejects what it should")
    func matcher() {
        #expect(Replayer.contains(["a": 1, "b": ["c": 2, "d": 3]], ["b": ["c": 2]]))
        #expect(!Replayer.contains(["a": 1], ["a": 2]))
        #expect(!Replayer.contains(["a": [1, 2]], ["a": [1]]))
        #expect(Replayer.contains(["a": [["x": 1, "y": 2]]], ["a": [["x": 1]]]))
        #expect(!Replayer.contains(["a": 1], ["missing": .null]))
    }
}

/// Drives one plugin process through a transcript.
struct Replayer {
    let command: [String]

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    func replay(_ path: String) async throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("//") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let inbox = Inbox()
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = TestPaths.pythonSDK
        environment["DLTAF_PLUGIN"] = "1"
        let child = try FoundationProcessLauncher().launch(
            ProcessLaunch(
                executable: command[0], arguments: Array(command.dropFirst()), environment: environment,
                workingDirectory: nil),
            callbacks: inbox.callbacks)
        defer { child.signalGroup(SIGKILL) }
        for (number, line) in lines.enumerated() {
            let step = try JSONParser.parse(String(line))
            let stepName = "\((path as NSString).lastPathComponent) step \(number + 1)"
            if let message = step["send"] {
                var bytes = JSONWriter().bytes(message)
                bytes.append(0x0A)
                try child.write(bytes)
            } else if let expected = step["expect"] {
                let isNotification = expected["method"] != nil && expected["id"] == nil
                while true {
                    guard let got = await inbox.next(timeout: 10) else {
                        throw Mismatch(
                            description: "\(stepName): no message within 10 s; expected \(expected.jsonText)")
                    }
                    let gotIsNotification = got["method"] != nil && got["id"] == nil
                    if gotIsNotification, !isNotification { continue }
                    guard Self.contains(got, expected) else {
                        throw Mismatch(description: "\(stepName): expected \(expected.jsonText), got \(got.jsonText)")
                    }
                    break
                }
            } else if step["close_stdin"] != nil {
                child.closeStdin()
            } else if let status = step["expect_exit"]?.intValue {
                guard let exit = await inbox.exit(timeout: 10) else {
                    throw Mismatch(description: "\(stepName): the plugin did not exit within 10 s")
                }
                guard exit == .exited(Int32(status)) else {
                    throw Mismatch(description: "\(stepName): expected exit \(status), got \(exit)")
                }
            }
        }
    }

    /// Whether `actual` contains `expected` (PROTOCOL.md §6 rules).
    static func contains(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        switch (actual, expected) {
        case (.object(let got), .object(let want)):
            return want.allSatisfy { key, value in got[key].map { contains($0, value) } ?? false }
        case (.array(let got), .array(let want)):
            return got.count == want.count && zip(got, want).allSatisfy { contains($0, $1) }
        case (.int, .double), (.double, .int):
            return actual.doubleValue == expected.doubleValue
        default:
            return actual == expected
        }
    }
}

/// Collects a plugin's stdout messages and exit for the replayer.
final class Inbox: Sendable {
    private let state = Mutex<(messages: [JSONValue], exit: ProcessExit?, splitter: LineSplitter)>(
        ([], nil, LineSplitter(maxLineBytes: 1 << 24)))

    var callbacks: ProcessCallbacks {
        ProcessCallbacks(
            stdout: { [self] chunk in
                state.withLock { state in
                    state.splitter.feed(chunk) { event in
                        if case .line(let line) = event, let value = try? JSONParser.parse(line) {
                            state.messages.append(value)
                        }
                    }
                }
            },
            stdoutClosed: {}, stderr: { _ in }, stderrClosed: {},
            exited: { [self] exit in state.withLock { $0.exit = exit } })
    }

    func next(timeout: Double) async -> JSONValue? {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let message = state.withLock { state -> JSONValue? in
                state.messages.isEmpty ? nil : state.messages.removeFirst()
            }
            if let message { return message }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    func exit(timeout: Double) async -> ProcessExit? {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let exit = state.withLock({ $0.exit }) { return exit }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}
