/// The protocol versions and method names of protocol v1 (PROTOCOL.md).
public enum DltafProtocol {
    /// The newest protocol version this build speaks.
    public static let currentVersion = 1
    /// Every protocol version this build speaks, newest first.
    public static let supportedVersions = [1]
    /// The default longest line, 16 MiB.
    public static let defaultMaxLineBytes = 16 << 20
}

/// Optional features, negotiated in `initialize` (PROTOCOL.md §3.1): a feature is on only when both sides
/// list it.
public enum ProtocolFeature {
    /// Runners hand their rows to the host, which loads them (PROTOCOL.md §8).
    public static let data = "data.v1"
    /// Every feature this build of the host offers.
    public static let offered = [data]
}

/// Method names of requests and notifications.
public enum ProtocolMethod {
    /// The handshake request.
    public static let initialize = "initialize"
    /// The request that ends a session.
    public static let shutdown = "shutdown"
    /// Runner: check a manifest.
    public static let runnerValidate = "runner/validate"
    /// Runner: load data.
    public static let runnerRun = "runner/run"
    /// Check: decide whether it applies to a manifest.
    public static let checkApplies = "check/applies"
    /// Check: probe.
    public static let checkRun = "check/run"
    /// Data (plugin → host, `data.v1`): declare a stream.
    public static let dataOpen = "data/open"
    /// Data (plugin → host, `data.v1`): rows for an open stream.
    public static let dataWrite = "data/write"
    /// Data (plugin → host, `data.v1`): make what was written durable, with new state.
    public static let dataCheckpoint = "data/checkpoint"
    /// Notification: a log record.
    public static let log = "log"
    /// Notification: progress of the current call.
    public static let progress = "progress"
    /// Notification: a checkpoint.
    public static let state = "state"
    /// Notification: the plugin is alive.
    public static let heartbeat = "heartbeat"
    /// Notification from the host: stop working on a request.
    public static let cancel = "cancel"

    /// The request method of a hook event.
    public static func hook(_ event: HookEvent) -> String { "hook/\(event.rawValue)" }
}

/// The three events a hook can handle.
public enum HookEvent: String, Sendable, CaseIterable, Comparable {
    /// Before the runner runs; a hook can veto the run here.
    case preRun = "pre_run"
    /// After a successful run.
    case postRun = "post_run"
    /// After a failed run.
    case onError = "on_error"

    /// The event of a request method `hook/<event>`; nil for any other method.
    public init?(method: String) {
        guard method.hasPrefix("hook/") else { return nil }
        self.init(rawValue: String(method.dropFirst(5)))
    }

    public static func < (lhs: HookEvent, rhs: HookEvent) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
