import CDltafShims
import DltafProtocol
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Starts plugins with Foundation.Process, avoiding its measured traps on Linux
/// (shared/reference/swift-linux.md §2): exits are learnt from `terminationHandler` (never `waitUntilExit`,
/// which polls every 50 ms), pipes are read with `read(2)` on dedicated threads (never `readabilityHandler`,
/// which loses data), stdin is written by a writer thread that treats EPIPE as "plugin gone", and the
/// environment is passed explicitly. Foundation already puts each child in its own process group.
public struct FoundationProcessLauncher: ProcessLauncher {
    /// Creates a launcher, and makes sure SIGPIPE is ignored process-wide (see `ignoreSIGPIPE()`).
    public init() {
        Self.ignoreSIGPIPE()
    }

    /// Catches SIGPIPE so that writing to a dead plugin returns EPIPE instead of killing dltaf. (Caught with a
    /// no-op handler rather than ignored, so that plugins do not inherit an ignored SIGPIPE.)
    public static func ignoreSIGPIPE() {
        _ = dltaf_catch_sigpipe()
    }

    public func launch(_ launch: ProcessLaunch, callbacks: ProcessCallbacks) throws(ChildProcessError)
        -> any ChildProcess
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launch.executable)
        process.arguments = launch.arguments
        process.environment = launch.environment
        if let directory = launch.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exitOnce = Mutex(false)
        process.terminationHandler = { finished in
            let alreadyReported = exitOnce.withLock { reported in
                defer { reported = true }
                return reported
            }
            guard !alreadyReported else { return }
            if finished.terminationReason == .uncaughtSignal {
                callbacks.exited(.signaled(finished.terminationStatus))
            } else {
                callbacks.exited(.exited(finished.terminationStatus))
            }
        }
        // Spawn from a thread with no blocked signals: a child inherits the spawning thread's mask, and
        // Dispatch threads block SIGTERM, which would make every plugin immune to it.
        let spawned = Mutex<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let spawner = Thread {
            _ = dltaf_unblock_all_signals()
            let result = Result { try process.run() }
            spawned.withLock { $0 = result }
            done.signal()
        }
        spawner.name = "dltaf-spawn"
        spawner.start()
        done.wait()
        if case .failure(let error)? = spawned.withLock({ $0 }) {
            throw .launchFailed(Self.describeLaunchFailure(error, launch: launch))
        }
        // Process.run() has already closed the parent's copies of the child's ends. Closing them again here
        // would close whatever descriptor another thread opened under the same number in between.
        let child = FoundationChild(process: process, stdin: stdin.fileHandleForWriting)
        PipeReader.start(handle: stdout.fileHandleForReading, name: "dltaf-stdout", deliver: callbacks.stdout) {
            callbacks.stdoutClosed()
        }
        PipeReader.start(handle: stderr.fileHandleForReading, name: "dltaf-stderr", deliver: callbacks.stderr) {
            callbacks.stderrClosed()
        }
        return child
    }

    private static func describeLaunchFailure(_ error: any Error, launch: ProcessLaunch) -> String {
        var status = stat()
        if stat(launch.executable, &status) != 0 {
            return "\(launch.executable): no such file"
        }
        if access(launch.executable, X_OK) != 0 {
            return "\(launch.executable): not executable"
        }
        if let directory = launch.workingDirectory, !FileManager.default.fileExists(atPath: directory) {
            return "working directory \(directory) does not exist"
        }
        return "\(launch.executable): \(error.localizedDescription)"
    }
}

/// Reads one pipe to end of file on its own thread with `read(2)`.
private enum PipeReader {
    static func start(
        handle: FileHandle, name: String, deliver: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void,
        closed: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            let descriptor = handle.fileDescriptor
            let capacity = 1 << 16
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            defer { buffer.deallocate() }
            while true {
                let count = read(descriptor, buffer, capacity)
                if count > 0 {
                    deliver(UnsafeBufferPointer(start: buffer, count: count))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? handle.close()
            closed()
        }
        thread.name = name
        thread.start()
    }
}

/// A started Foundation.Process with a writer thread for its stdin.
private final class FoundationChild: ChildProcess {
    let pid: Int32
    private let process: Process
    private let writer: StdinWriter

    init(process: Process, stdin: FileHandle) {
        self.process = process
        self.pid = process.processIdentifier
        self.writer = StdinWriter(handle: stdin)
    }

    func write(_ bytes: [UInt8]) throws(ChildProcessError) {
        try writer.enqueue(bytes)
    }

    func closeStdin() {
        writer.finish()
    }

    func signalGroup(_ signal: Int32) {
        // pgid == pid: Foundation spawns with POSIX_SPAWN_SETPGROUP.
        _ = kill(-pid, signal)
    }
}

/// Writes queued chunks to a pipe on its own thread, so that a plugin that stops reading its stdin blocks
/// only this thread, never the caller.
private final class StdinWriter: Sendable {
    private struct State {
        var queue: [[UInt8]] = []
        var finishing = false
        var broken = false
    }

    private let state = Mutex(State())
    private let condition = NSCondition()
    private let handle: FileHandle

    init(handle: FileHandle) {
        self.handle = handle
        let thread = Thread { [self] in run() }
        thread.name = "dltaf-stdin"
        thread.start()
    }

    func enqueue(_ bytes: [UInt8]) throws(ChildProcessError) {
        let accepted = state.withLock { state -> Bool in
            guard !state.broken, !state.finishing else { return false }
            state.queue.append(bytes)
            return true
        }
        guard accepted else { throw .stdinClosed }
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    func finish() {
        state.withLock { $0.finishing = true }
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    private func run() {
        let descriptor = handle.fileDescriptor
        while true {
            condition.lock()
            var next: (chunks: [[UInt8]], finishing: Bool) = ([], false)
            while true {
                next = state.withLock { state in
                    defer { state.queue.removeAll() }
                    return (state.queue, state.finishing)
                }
                if !next.chunks.isEmpty || next.finishing { break }
                condition.wait()
            }
            condition.unlock()
            for chunk in next.chunks where !DescriptorWriter.writeAll(chunk, to: descriptor) {
                state.withLock { $0.broken = true }
                try? handle.close()
                return
            }
            if next.finishing, state.withLock({ $0.queue.isEmpty }) {
                try? handle.close()
                return
            }
        }
    }
}
