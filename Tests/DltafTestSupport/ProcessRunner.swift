import Foundation

/// The finished state of a process started by a test.
public struct ProcessOutput: Sendable {
    /// Exit status, or 128 + signal.
    public var status: Int32
    /// Everything written on stdout.
    public var stdout: String
    /// Everything written on stderr.
    public var stderr: String
    /// Wall time.
    public var seconds: Double
}

/// Paths of the repository and of the built products.
public enum TestPaths {
    /// The repository root.
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The folder holding the built executables (`dltaf`, the Swift sample plugins).
    public static let binDirectory: URL = {
        let fromBundle = Bundle.main.bundleURL
        if FileManager.default.fileExists(atPath: fromBundle.appendingPathComponent("dltaf").path) { return fromBundle }
        return repoRoot.appendingPathComponent(".build/debug")
    }()

    /// The `dltaf` executable.
    public static var dltaf: String { binDirectory.appendingPathComponent("dltaf").path }

    /// The Python SDK's source folder (for PYTHONPATH).
    public static var pythonSDK: String { repoRoot.appendingPathComponent("plugin-sdk/python/src").path }
}

/// Runs a program to completion with a time limit, capturing its output.
///
/// Async, and never blocks a thread of the cooperative pool while waiting: the tests run in parallel on few
/// cores, and a blocked pool would starve the in-process tests that measure time.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
    stdin: String? = nil, timeout: Double = 60
) async throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let outPipe = Pipe()
    let errPipe = Pipe()
    let inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    let collected = Collected()
    process.terminationHandler = { _ in collected.markExited() }
    for (pipe, isOut) in [(outPipe, true), (errPipe, false)] {
        Thread {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            collected.store(data, stdout: isOut)
        }.start()
    }
    let started = Date()
    try process.run()
    if let stdin { try? inPipe.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    while !collected.isComplete, Date() < deadline {
        try await Task.sleep(for: .milliseconds(5))
    }
    if !collected.isComplete {
        kill(-process.processIdentifier, SIGKILL)
        process.terminate()
        let grace = Date().addingTimeInterval(5)
        while !collected.isComplete, Date() < grace { try await Task.sleep(for: .milliseconds(5)) }
    }
    let status =
        process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessOutput(
        status: status, stdout: collected.text(stdout: true), stderr: collected.text(stdout: false),
        seconds: Date().timeIntervalSince(started))
}

private final class Collected: @unchecked Sendable {
    // Guarded by `lock`: written once per pipe by its reader thread, and once by the termination handler.
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private var pipesDone = 0
    private var exited = false

    func store(_ data: Data, stdout: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if stdout { out = data } else { err = data }
        pipesDone += 1
    }

    func markExited() {
        lock.lock()
        defer { lock.unlock() }
        exited = true
    }

    /// Both pipes are at end of file and the process has exited.
    var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return exited && pipesDone == 2
    }

    func text(stdout: Bool) -> String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stdout ? out : err, as: UTF8.self)
    }
}
