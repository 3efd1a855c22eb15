import DltafJSON
import DltafTestSupport
import Foundation
import Synchronization
import Testing

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
    ///
    /// - Parameter launcher: a command line that starts dltaf, given dltaf's path and arguments after it
    ///   (empty: dltaf is started directly).
    init(_ arguments: [String], in workspace: Workspace, launcher: [String] = []) throws {
        let commandLine = launcher + [TestPaths.dltaf] + arguments
        process.executableURL = URL(fileURLWithPath: commandLine[0])
        process.arguments = Array(commandLine.dropFirst())
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

    /// The last lines of stderr, for failure messages.
    var stderrTail: String {
        stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
    }

    /// The result document printed by `--json`.
    func json() throws -> JSONValue {
        try JSONParser.parse(stdout)
    }
}

/// Checks shared by every scenario: the result document matches stdout and the result file, the run took at
/// most `budget` seconds, and no process the plugins recorded in `pids.txt` is alive or a zombie.
func expectAftermath(
    _ scenario: Scenario, _ outcome: FaultOutcome, status: Int32, budget: Double, minimumPids: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> JSONValue {
    #expect(
        !outcome.hung, "dltaf hung and was killed by the test\n\(outcome.stderrTail)", sourceLocation: sourceLocation)
    #expect(outcome.status == status, "exit status\n\(outcome.stderrTail)", sourceLocation: sourceLocation)
    #expect(
        outcome.seconds < budget, "took \(outcome.seconds)s, budget \(budget)s\n\(outcome.stderrTail)",
        sourceLocation: sourceLocation)
    let result = try outcome.json()
    #expect(result["exit_code"]?.intValue == Int(status), sourceLocation: sourceLocation)
    let file = try scenario.resultFile()
    #expect(file["run_id"] == result["run_id"], "the result file holds the same run", sourceLocation: sourceLocation)
    #expect(file["status"] == result["status"], sourceLocation: sourceLocation)
    #expect(
        scenario.pids.count >= minimumPids, "the plugins recorded their pids: \(scenario.pids)",
        sourceLocation: sourceLocation)
    let leaked = await scenario.leakedProcesses()
    #expect(leaked.isEmpty, "processes left alive or zombie (pid:state): \(leaked)", sourceLocation: sourceLocation)
    return result
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
    ///
    /// - Parameter flood: start dltaf through `floodLauncher` instead of directly.
    func start(_ flags: [String], flood: Bool = false) throws -> DltafProcess {
        try DltafProcess(
            ["exec", "m.yaml", "--json", "--result-file", "result.json"] + flags, in: workspace,
            launcher: flood ? Self.floodLauncher : [])
    }

    /// Runs dltaf to completion; a flood takes no run slot.
    func run(_ flags: [String], flood: Bool = false, timeout: Double = 50) async throws -> FaultOutcome {
        if flood { return try await start(flags, flood: true).finish(timeout: timeout) }
        return try await withRunSlot { try await start(flags).finish(timeout: timeout) }
    }

    /// How flood scenarios start dltaf:
    /// - at the lowest CPU priority (nice 19), so that the flood uses the CPU the other scenarios leave idle
    ///   instead of starving their timed steps;
    /// - from a forked shell, so that dltaf's `getrusage` peak starts from that small shell and not from this
    ///   test process (Linux keeps `ru_maxrss` across `posix_spawn`/`execve`: see scenario 23).
    static let floodLauncher = ["/bin/sh", "-c", "nice -n 19 \"$@\"; exit $?", "sh"]

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

/// Limits how many dltaf runs (each with its Python plugins) are under way at once.
///
/// Swift Testing starts every scenario at the same moment; two dozen Python interpreters starting together on a
/// 2-core machine take more than the 1 s startup timeout some scenarios configure. With a few slots each run
/// gets the CPU its timed steps assume, and the suite still overlaps the waiting.
final class RunSlots: Sendable {
    static let shared = RunSlots(limit: max(2, ProcessInfo.processInfo.activeProcessorCount * 2))

    private let taken = Mutex(0)
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func acquire() async {
        while !taken.withLock({ taken in
            guard taken < limit else { return false }
            taken += 1
            return true
        }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func release() {
        taken.withLock { $0 -= 1 }
    }
}

/// Runs `body` holding a run slot.
func withRunSlot<T>(_ body: () async throws -> T) async throws -> T {
    await RunSlots.shared.acquire()
    defer { RunSlots.shared.release() }
    return try await body()
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
