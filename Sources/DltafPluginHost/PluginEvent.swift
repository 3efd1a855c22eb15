public import DltafJSON
public import DltafProtocol

/// Something a plugin reported outside of call results.
public enum PluginEvent: Sendable, Equatable {
    /// A `log` notification.
    case log(level: LogLevel, message: String, fields: JSONObject?)
    /// A `progress` notification (its params).
    case progress(JSONValue)
    /// A `state` notification: a checkpoint.
    case state(JSONValue)
    /// A `heartbeat` notification.
    case heartbeat
    /// A line the plugin wrote on stderr, with the level word it started with, if any.
    case stderr(line: String, level: LogLevel?)
    /// A stdout line that is not a protocol message; `prefix` shows its first bytes.
    case stdoutNoise(prefix: String, beforeHandshake: Bool)
    /// A notification this host does not know (ignored, reported at debug level).
    case unknownNotification(String)
    /// A step dltaf took to keep the plugin in line: a cancel sent, a signal to its process group.
    case supervisor(String)
}
