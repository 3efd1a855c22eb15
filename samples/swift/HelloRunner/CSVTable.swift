import DltafPluginKit
import Foundation

/// The rows of a small CSV file: a header line, then comma-separated values (no quoting).
struct CSVTable {
    var header: [String]
    var lines: [[String]]

    /// Reads `url`, keeping at most `limit` rows.
    init(contentsOf url: URL, limit: Int?) throws(PluginError) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PluginError("cannot read \(url.path)", category: "DATA", code: "source_unreadable")
        }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else {
            throw PluginError("\(url.path) has no header line", category: "DATA", code: "empty_csv")
        }
        header = lines.removeFirst().split(separator: ",").map(String.init)
        if let limit { lines = Array(lines.prefix(limit)) }
        self.lines = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
