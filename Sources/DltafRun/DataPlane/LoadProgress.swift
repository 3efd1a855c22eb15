import DltafLoad
import DltafProtocol
import Foundation
import Synchronization

/// Live progress of a load on stderr: rows and rows/s per stream, at most one line every two seconds, and a
/// line per table when the load is committed.
final class LoadProgress: Sendable {
    private struct Counts {
        var rows: [String: Int] = [:]
        var order: [String] = []
        var lastPrinted = ContinuousClock.now
    }

    private let console: Console
    private let started = ContinuousClock.now
    private let counts = Mutex(Counts())

    init(console: Console) {
        self.console = console
    }

    /// Counts `rows` more rows of `stream`; on a terminal it redraws one status line (at most 5 times a
    /// second), elsewhere it prints the totals when two seconds passed since the last line.
    func add(_ rows: Int, to stream: String) {
        let interval: Duration = console.supportsStatusLine ? .milliseconds(200) : .seconds(2)
        let line: String? = counts.withLock { counts in
            if counts.rows[stream] == nil { counts.order.append(stream) }
            counts.rows[stream, default: 0] += rows
            let now = ContinuousClock.now
            guard counts.lastPrinted.duration(to: now) >= interval else { return nil }
            counts.lastPrinted = now
            return counts.order.map { "\($0): \(Self.figure(counts.rows[$0] ?? 0)) rows" }.joined(separator: ", ")
                + " (\(Self.figure(Int(Self.rate(counts.rows.values.reduce(0, +), since: started)))) rows/s)"
        }
        guard let line else { return }
        if console.supportsStatusLine {
            console.setStatus("loading " + line)
        } else {
            console.log(.info, source: "load", line)
        }
    }

    /// Removes the status line (the load ended without a summary).
    func clear() { console.setStatus(nil) }

    /// One line per table of the committed load.
    func finish(_ summary: LoadSummary) {
        console.setStatus(nil)
        for table in summary.tables {
            console.log(
                .info, source: "load",
                "\(table.stream) → \(table.table): \(Self.figure(table.rowsCommitted)) rows committed "
                    + "(\(table.writeDisposition.rawValue), \(Self.figure(Int(Self.rate(table.rowsCommitted, since: started)))) rows/s)"
            )
        }
    }

    static func rate(_ rows: Int, since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(rows) / seconds : 0
    }

    /// `1234567` as `1,234,567`.
    static func figure(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
