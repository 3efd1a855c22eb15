/// What to start.
public struct ProcessLaunch: Sendable, Equatable {
    /// The absolute path of the program.
    public var executable: String
    /// Its arguments (argv[1...]).
    public var arguments: [String]
    /// The complete environment; nothing is inherited.
    public var environment: [String: String]
    /// The working directory, or nil for dltaf's own.
    public var workingDirectory: String?

    /// Creates a launch description.
    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String?) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// How a child process ended.
public enum ProcessExit: Sendable, Equatable, CustomStringConvertible {
    /// It called exit with this status.
    case exited(Int32)
    /// A signal ended it.
    case signaled(Int32)

    /// Whether it exited with status 0.
    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "killed by \(signalName(signal))"
        }
    }
}

/// The conventional name of a signal number (`SIGKILL`), or `signal N`.
public func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]
    return names[signal] ?? "signal \(signal)"
}

/// What a child process reports while it runs. Called on the backend's own threads.
public struct ProcessCallbacks: Sendable {
    /// Bytes read from the child's stdout, in order; valid only during the call.
    public var stdout: @Sendable (UnsafeBufferPointer<UInt8>) -> Void
    /// stdout reached end of file (every holder closed it).
    public var stdoutClosed: @Sendable () -> Void
    /// Bytes read from the child's stderr, in order.
    public var stderr: @Sendable (UnsafeBufferPointer<UInt8>) -> Void
    /// stderr reached end of file.
    public var stderrClosed: @Sendable () -> Void
    /// The child ended; called once.
    public var exited: @Sendable (ProcessExit) -> Void

    /// Creates a set of callbacks.
    public init(
        stdout: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void,
        stdoutClosed: @escaping @Sendable () -> Void,
        stderr: @escaping @Sendable (UnsafeBufferPointer<UInt8>) -> Void,
        stderrClosed: @escaping @Sendable () -> Void,
        exited: @escaping @Sendable (ProcessExit) -> Void
    ) {
        self.stdout = stdout
        self.stdoutClosed = stdoutClosed
        self.stderr = stderr
        self.stderrClosed = stderrClosed
        self.exited = exited
    }
}

/// Why a child could not be started or written to.
public enum ChildProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program could not be started.
    case launchFailed(String)
    /// The child no longer reads its stdin (it exited or closed it).
    case stdinClosed

    public var description: String {
        switch self {
        case .launchFailed(let reason): return "could not start: \(reason)"
        case .stdinClosed: return "the plugin closed its stdin (it has probably exited)"
        }
    }
}

/// A running child process in its own process group.
public protocol ChildProcess: Sendable {
    /// The process id, which is also its process group id.
    var pid: Int32 { get }
    /// Queues bytes for the child's stdin; they are written in order by a writer thread.
    func write(_ bytes: [UInt8]) throws(ChildProcessError)
    /// Closes the child's stdin once everything queued is written.
    func closeStdin()
    /// Sends a signal to the child's whole process group.
    func signalGroup(_ signal: Int32)
}

/// Starts child processes. The one seam between the plugin host and the operating system.
public protocol ProcessLauncher: Sendable {
    /// Starts `launch` in a new process group and reports through `callbacks`.
    func launch(_ launch: ProcessLaunch, callbacks: ProcessCallbacks) throws(ChildProcessError) -> any ChildProcess
}
