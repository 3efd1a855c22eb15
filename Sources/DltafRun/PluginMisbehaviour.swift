/// What a plugin did wrong without failing a call (non-protocol lines on stdout, log lines over the rate limit),
/// summed up for the result's warnings: the console shows each event as it happens, the result says it once.
struct PluginMisbehaviour: Sendable {
    /// Non-protocol lines on stdout.
    private(set) var noiseLines = 0
    /// The first of them, as the console described it.
    private(set) var firstNoise: String?
    /// Log and stderr lines suppressed by the rate limit.
    private(set) var suppressedLines = 0

    /// Counts one `stdout_noise` line described by `description`.
    mutating func noise(_ description: String) {
        noiseLines += 1
        if firstNoise == nil { firstNoise = description }
    }

    /// Counts `count` suppressed log lines.
    mutating func suppressed(_ count: Int) {
        suppressedLines += count
    }

    /// The result's warnings for the plugin `label`: none when it behaved.
    func warnings(label: String) -> [String] {
        var warnings: [String] = []
        if let firstNoise {
            let more = noiseLines > 1 ? " (\(noiseLines) such lines; the first shown)" : ""
            warnings.append("plugin \(label): \(firstNoise)\(more)")
        }
        if suppressedLines > 0 {
            warnings.append("plugin \(label): \(suppressedLines) log lines suppressed (rate limit)")
        }
        return warnings
    }
}
