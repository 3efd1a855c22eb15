import Foundation

/// A long-lived helper process for a test (an HTTP server, PostgreSQL): its output is collected line by
/// line, and closing its stdin (in `stop()`, or when the test process dies) is the signal to end.
public final class BackgroundProcess: @unchecked Sendable {
    // `output` and `exited` are guarded by `lock`; the rest is set once in init.
    private let process = Process()
    private let input = Pipe()
    private let lock = NSLock()
    private var output = ""
    private var exited = false

    /// Starts `executable` with stdout and stderr both collected.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outputPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = outputPipe
        process.standardInput = input
        process.terminationHandler = { [weak self] _ in self?.markExited() }
        let reader = outputPipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                self?.append(String(decoding: data, as: UTF8.self))
            }
        }.start()
        try process.run()
        try? outputPipe.fileHandleForWriting.close()
    }

    /// The process id (also its process group's, for processes that lead one).
    public var pid: Int32 { process.processIdentifier }

    /// Everything written so far.
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return output
    }

    /// Whether the process has ended.
    public var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        return exited
    }

    /// Waits (without blocking a thread) until the output contains `marker`; returns the output, or throws
    /// with the output when the process exits first or `timeout` passes.
    @discardableResult
    public func waitForOutput(containing marker: String, timeout: Double = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = text
            if current.contains(marker) { return current }
            if hasExited { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BackgroundProcessError(message: "\"\(marker)\" never appeared; output:\n\(text)")
    }

    /// Closes stdin, waits up to `grace` seconds for the exit, then kills the process group.
    public func stop(grace: Double = 10) async {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(grace)
        while !hasExited, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if !hasExited {
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            let second = Date().addingTimeInterval(5)
            while !hasExited, Date() < second { try? await Task.sleep(for: .milliseconds(10)) }
        }
    }

    private func append(_ chunk: String) {
        lock.lock()
        defer { lock.unlock() }
        output += chunk
    }

    private func markExited() {
        lock.lock()
        defer { lock.unlock() }
        exited = true
    }
}

/// A helper process did not get ready.
public struct BackgroundProcessError: Error, CustomStringConvertible {
    /// What happened, with the process's output.
    public var message: String
    /// The message.
    public var description: String { message }
}
