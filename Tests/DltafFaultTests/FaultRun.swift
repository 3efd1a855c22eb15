import DltafJSON
import DltafTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `dltaf` process started in the background, so that a test can watch its stderr and signal it.
///
/// Everything here is async and polls with `Task.sleep`: no test blocks a thread of the cooperative pool,
/// so the scenarios (mostly waiting on timeouts) really run in parallel on a 2-core machine.
final class DltafProcess: @unchecked Sendable {
    // Guarded by `lock`: appended by the reader threads, set by the termination handler.
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var openPipes = 2
    private var ended: ContinuousClock.Instant?

    private let process = Process()
    /// When the process was started.
    let started = ContinuousClock.now

    /// Starts `dltaf arguments` in `workspace` (its root is the working directory).
    init(_ arguments: [String], in workspace: Workspace) throws {
        process.executableURL = URL(fileURLWithPath: TestPaths.dltaf)
        process.arguments = arguments
        process.environment = workspace.environment()
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.root)
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.terminationHandler = { [self] _ in
            lock.withLock { ended = .now }
        }
        try process.run()
        for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.withLock {
                        if isOut { out.append(chunk) } else { err.append(chunk) }
                    }
                }
                lock.withLock { openPipes -= 1 }
            }.start()
        }
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// stderr so far.
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Sends `signal` to dltaf alone (not to its plugins).
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until `condition` holds, polling every 20 ms; false if `timeout` passed first.
    static func poll(timeout: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Waits for the process to exit (killing its process group after `timeout`) and for its output.
    func finish(timeout: Double) async -> FaultOutcome {
        let exited = await Self.poll(timeout: timeout) { lock.withLock { ended != nil } }
        if !exited {
            // A hung dltaf: Foundation put it in its own process group, so this ends it and nothing else.
            kill(-process.processIdentifier, SIGKILL)
            _ = await Self.poll(timeout: 5) { lock.withLock { ended != nil } }
        }
        _ = await Self.poll(timeout: 5) { lock.withLock { openPipes == 0 } }
        let status =
            process.isRunning
            ? -1
            : process.terminationReason == .uncaughtSignal
                ? 128 + process.terminationStatus : process.terminationStatus
        return lock.withLock {
            FaultOutcome(
                status: status, hung: !exited, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: err, as: UTF8.self),
                seconds: seconds(started.duration(to: ended ?? .now)), endedAt: ended ?? .now)
        }
    }
}

/// How a `dltaf` run ended.
struct FaultOutcome {
    /// Exit status, or 128 + signal; -1 if it never ended.
    var status: Int32
    /// Whether dltaf had to be killed by the test.
    var hung: Bool
    var stdout: String
    var stderr: String
    /// Wall time from start to exit.
    var seconds: Double
    /// When dltaf exited.
    var endedAt: ContinuousClock.Instant

    /// The result document printed by `--json`.
    func json() throws -> JSONValue {
        try JSONParser.parse(stdout)
    }
}

/// Seconds in a duration.
func seconds(_ duration: Duration) -> Double {
    let (whole, atto) = duration.components
    return Double(whole) + Double(atto) / 1e18
}

/// One scenario's workspace with the helpers every scenario uses.
struct Scenario {
    let workspace: Workspace

    init() throws {
        workspace = try Workspace()
    }

    /// Writes `m.yaml`.
    func manifest(source: String = "", run: String = "") throws {
        try workspace.write("m.yaml", FaultManifest.text(source: source, run: run))
    }

    /// Starts `dltaf exec m.yaml --json --result-file result.json` plus `flags`.
    func start(_ flags: [String]) throws -> DltafProcess {
        try DltafProcess(["exec", "m.yaml", "--json", "--result-file", "result.json"] + flags, in: workspace)
    }

    /// Runs dltaf to completion.
    func run(_ flags: [String], timeout: Double = 50) async throws -> FaultOutcome {
        try await start(flags).finish(timeout: timeout)
    }

    /// The result file dltaf wrote.
    func resultFile() throws -> JSONValue {
        try JSONParser.parse(workspace.read("result.json"))
    }

    /// Pids the plugins recorded.
    var pids: [Int32] {
        workspace.read("pids.txt").split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Waits up to `within` seconds for every recorded process to be gone; returns those still alive or zombie
    /// (as `pid:state`), after killing them so that a failing test leaves nothing behind.
    func leakedProcesses(within: Double = 2) async -> [String] {
        let pids = self.pids
        _ = await DltafProcess.poll(timeout: within) { pids.allSatisfy { Self.processState($0) == nil } }
        let leaked = pids.compactMap { pid in Self.processState(pid).map { "\(pid):\($0)" } }
        for pid in pids where Self.processState(pid) != nil { kill(pid, SIGKILL) }
        return leaked
    }

    /// The state letter in /proc/PID/stat (`S`, `R`, `Z`, ...), or nil when the process is gone.
    static func processState(_ pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        // The state follows the command name, which is in parentheses and may itself contain ") ".
        guard let close = data.lastIndex(of: UInt8(ascii: ")")), close + 2 < data.endIndex else { return "?" }
        return String(decoding: [data[close + 2]], as: UTF8.self)
    }

    /// The request id the plugin noted for `call` (`validate`, `run`) in `ids.txt`.
    func requestID(_ call: String) -> Int? {
        workspace.read("ids.txt").split(separator: "\n").lazy.compactMap { line -> Int? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0] == call else { return nil }
            return Int(parts[1])
        }.first
    }

    /// Waits for the file a plugin creates (for example `run-started`).
    func waitForFile(_ relative: String, timeout: Double = 20) async -> Bool {
        await DltafProcess.poll(timeout: timeout) { FileManager.default.fileExists(atPath: workspace.path(relative)) }
    }

    func remove() {
        workspace.remove()
    }
}

/// Fast limits for scenarios that are not about these limits.
let fastFlags = [
    "--startup-timeout", "10", "--idle-timeout", "10", "--cancel-grace", "0.5", "--shutdown-grace", "0.5",
]

extension JSONValue {
    /// Element `index` of an array.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// `self[key]` as a string, or "".
    func text(_ key: String) -> String {
        self[key]?.stringValue ?? ""
    }
}
