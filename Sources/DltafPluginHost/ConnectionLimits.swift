public import DltafProtocol

/// Limits that keep a plugin session bounded, set per plugin.
public struct ConnectionLimits: Sendable, Equatable {
    /// Time from spawn to the `initialize` answer.
    public var startup: Duration
    /// Time allowed for each step of stopping a plugin: the `shutdown` answer, the exit after stdin closes,
    /// the exit after SIGTERM. SIGKILL ends it.
    public var shutdownGrace: Duration
    /// After a `cancel`, how long the plugin has to answer the cancelled requests.
    public var cancelGrace: Duration
    /// No message from the plugin for this long during a call fails the call (progress and heartbeat
    /// notifications count as messages).
    public var idle: Duration?
    /// The most any single call may take, whatever the plugin reports.
    public var absolute: Duration?
    /// The longest stdout line accepted.
    public var maxLineBytes: Int
    /// How much of stderr is kept for failure reports.
    public var stderrTailBytes: Int
    /// Whether non-protocol output on stdout is a protocol error (instead of a warning).
    public var strictProtocol: Bool

    /// Creates limits; the defaults suit most plugins.
    public init(
        startup: Duration = .seconds(15), shutdownGrace: Duration = .seconds(2), cancelGrace: Duration = .seconds(5),
        idle: Duration? = .seconds(300), absolute: Duration? = .seconds(24 * 3600),
        maxLineBytes: Int = DltafProtocol.defaultMaxLineBytes, stderrTailBytes: Int = 64 << 10,
        strictProtocol: Bool = false
    ) {
        self.startup = startup
        self.shutdownGrace = shutdownGrace
        self.cancelGrace = cancelGrace
        self.idle = idle
        self.absolute = absolute
        self.maxLineBytes = maxLineBytes
        self.stderrTailBytes = stderrTailBytes
        self.strictProtocol = strictProtocol
    }
}
