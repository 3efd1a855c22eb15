#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into newline-terminated lines with a bounded buffer.
///
/// Feed it chunks as they are read; it calls back once per complete line (without the newline and
/// without a trailing `\r`). A line longer than `maxLineBytes` is reported once as oversized and its bytes
/// are dropped as they arrive, so memory stays bounded however long the line is.
public struct LineSplitter: Sendable {
    /// What the splitter found in the stream.
    public enum Event {
        /// A complete line, valid only during the callback.
        case line(UnsafeBufferPointer<UInt8>)
        /// A line exceeded the limit; `prefix` holds its first bytes.
        case oversized(prefix: [UInt8])
    }

    /// The longest line accepted, in bytes.
    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false

    /// Creates a splitter with a line limit.
    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes a chunk and reports each complete line or oversized line.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        let count = chunk.count
        while start < count {
            let remaining = count - start
            guard let found = memchr(base + start, 0x0A, remaining) else {
                append(UnsafeBufferPointer(start: base + start, count: remaining), handle)
                return
            }
            let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let piece = UnsafeBufferPointer(start: base + start, count: end - start)
            start = end + 1
            if discarding {
                discarding = false
                continue
            }
            if pending.isEmpty {
                guard piece.count <= maxLineBytes else {
                    handle(.oversized(prefix: Array(piece.prefix(256))))
                    continue
                }
                emit(piece, handle)
            } else {
                append(piece, handle)
                if discarding {
                    discarding = false
                    continue
                }
                let line = pending
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
                line.withUnsafeBufferPointer { emit($0, handle) }
            }
        }
    }

    /// Whether bytes of an unterminated line are buffered (used to detect a truncated last line at EOF).
    public var hasPartialLine: Bool { !pending.isEmpty || discarding }

    /// The first bytes of the buffered partial line.
    public var partialLinePrefix: [UInt8] { Array(pending.prefix(256)) }

    /// The first bytes of an unterminated line not reported yet, to report at EOF: nil when there is none, and
    /// when the partial line is an oversized one being discarded (its `.oversized` event already reported it).
    public var unreportedPartialLine: [UInt8]? { discarding || pending.isEmpty ? nil : partialLinePrefix }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) {
        if discarding { return }
        if pending.count + bytes.count > maxLineBytes {
            let prefix = Array((pending + Array(bytes.prefix(256))).prefix(256))
            pending.removeAll()
            discarding = true
            handle(.oversized(prefix: prefix))
            return
        }
        pending.append(contentsOf: bytes)
    }

    private func emit(_ line: UnsafeBufferPointer<UInt8>, _ handle: (Event) -> Void) {
        if let last = line.last, last == 0x0D {
            handle(.line(UnsafeBufferPointer(rebasing: line.dropLast())))
        } else {
            handle(.line(line))
        }
    }
}
