import DltafProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// stdin as an async sequence of lines, read with `read(2)` on a thread of its own.
enum StdinLines {
    /// An input line, or a line too long to accept.
    enum Item: Sendable {
        case line([UInt8])
        case oversized
    }

    static func stream(maxLineBytes: Int = DltafProtocol.defaultMaxLineBytes) -> AsyncStream<Item> {
        AsyncStream { continuation in
            let thread = Thread {
                var splitter = LineSplitter(maxLineBytes: maxLineBytes)
                let capacity = 1 << 16
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                defer { buffer.deallocate() }
                while true {
                    let count = read(0, buffer, capacity)
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    splitter.feed(UnsafeBufferPointer(start: buffer, count: count)) { event in
                        switch event {
                        case .line(let line): continuation.yield(.line(Array(line)))
                        case .oversized: continuation.yield(.oversized)
                        }
                    }
                }
                continuation.finish()
            }
            thread.name = "dltaf-plugin-stdin"
            thread.start()
        }
    }
}
