import Foundation

/// UTC calendar fields of a date, formatted without Foundation's formatters (they load ICU, which costs
/// milliseconds at start-up; see docs/performance.md).
public struct UTCDate: Sendable {
    /// Year, month (1-12), day, hour, minute, second, millisecond.
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    /// The fields of `date` in UTC.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        year = Int(fields.tm_year) + 1900
        month = Int(fields.tm_mon) + 1
        day = Int(fields.tm_mday)
        hour = Int(fields.tm_hour)
        minute = Int(fields.tm_min)
        second = Int(fields.tm_sec)
        millisecond = min(999, Int((interval - interval.rounded(.down)) * 1000))
    }

    /// `2025-01-31T12:00:00.123Z` (RFC 3339).
    public var rfc3339: String {
        "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second)).\(pad(millisecond, 3))Z"
    }

    /// `2025/01/31`, the Python dltaf's `TODAY_STR`.
    public var slashedDate: String { "\(pad(year, 4))/\(pad(month))/\(pad(day))" }

    private func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
