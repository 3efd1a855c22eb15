/// An HTTP answer: any status counts as an answer; only transport problems are errors.
public struct HTTPResponse: Sendable {
    /// The status code (200, 404, ...).
    public var status: Int
    /// The headers of the final response, in order, as sent (names keep their case).
    public var headers: [(name: String, value: String)]
    /// The body, at most `maxBodyBytes` of it.
    public var body: [UInt8]
    /// Whether the body was cut at `maxBodyBytes`.
    public var bodyTruncated: Bool
    /// Request start to the last byte read.
    public var elapsedMilliseconds: Double

    /// Creates a response.
    public init(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], bodyTruncated: Bool = false,
        elapsedMilliseconds: Double
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body decoded as UTF-8 (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Header lines of the raw block libcurl collected: the status line is skipped, folded lines are kept as
    /// they are, and lines without a colon are dropped.
    static func parseHeaders(_ block: [UInt8]) -> [(name: String, value: String)] {
        let text = String(decoding: block, as: UTF8.self)
        var result: [(name: String, value: String)] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard !line.hasPrefix("HTTP/"), let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSpaces
            let value = line[line.index(after: colon)...].trimmingSpaces
            if !name.isEmpty { result.append((name, value)) }
        }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }
}
