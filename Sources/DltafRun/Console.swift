public import DltafProtocol
import Foundation
import Synchronization

/// Writes live log lines to stderr, one whole line at a time, from any thread.
///
/// Format: `12:04:05.120 INFO  [samples.python.audit_hook] message`. Every line passes through the
/// redactor first, so a secret never reaches the terminal.
public final class Console: Sendable {
    /// The lowest level printed.
    public let minimumLevel: LogLevel
    /// Every line passes through it; the run adds the secrets it learns.
    private let redactor = Mutex(Redactor())
    /// Serialises output; holds the status line shown under the log on a terminal, if any.
    private let lock = Mutex<String?>(nil)
    private let sink: @Sendable (String) -> Void
    /// Whether one line may be rewritten in place (stderr is a terminal and the console writes to it).
    public let supportsStatusLine: Bool

    /// Creates a console writing to stderr.
    public init(minimumLevel: LogLevel = .info) {
        self.minimumLevel = minimumLevel
        self.supportsStatusLine = isatty(2) == 1
        self.sink = { line in
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            DescriptorWriter.writeAll(bytes, to: 2)
        }
    }

    /// Creates a console writing to a custom sink (tests).
    public init(minimumLevel: LogLevel, sink: @escaping @Sendable (String) -> Void) {
        self.minimumLevel = minimumLevel
        self.supportsStatusLine = false
        self.sink = sink
    }

    /// Shows `text` as the one updating status line under the log (a progress bar), or removes it (nil). Only
    /// on a terminal; elsewhere it does nothing, and callers print plain lines instead.
    public func setStatus(_ text: String?) {
        guard supportsStatusLine else { return }
        let shown = text.map { redactor.withLock { $0 }.redact(text: $0) }
        lock.withLock { status in
            status = shown
            // Carriage return, clear to the end of the line, then the new status without a newline.
            DescriptorWriter.writeAll(Array(("\r\u{1B}[K" + (shown ?? "")).utf8), to: 2)
        }
    }

    /// Replaces the redactor every line passes through.
    public func setRedactor(_ newRedactor: Redactor) {
        redactor.withLock { $0 = newRedactor }
    }

    /// Prints one log line, redacted, if `level` is at or above the minimum.
    public func log(_ level: LogLevel, source: String, _ message: String) {
        guard level >= minimumLevel else { return }
        let label = level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let text = redactor.withLock { $0 }.redact(text: "[\(source)] \(message)")
        let line = "\(Self.timestamp()) \(label)\(text)"
        lock.withLock { status in
            // A log line goes above the status line, which is drawn again under it.
            if status != nil { DescriptorWriter.writeAll(Array("\r\u{1B}[K".utf8), to: 2) }
            sink(line)
            if let status { DescriptorWriter.writeAll(Array(status.utf8), to: 2) }
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        let milliseconds = now.tv_nsec / 1_000_000
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis =
            milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)"
    }
}
