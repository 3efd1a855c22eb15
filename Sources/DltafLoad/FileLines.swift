import DltafProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file in 4 MiB chunks with `read(2)`, so memory stays bounded whatever the file's size.
struct ChunkedFile {
    static let chunkBytes = 4 << 20
    let path: String

    /// Calls `body` with each chunk in order.
    func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws(LoadError) -> Void) throws(LoadError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoadError(.badRows, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LoadError(.badRows, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try chunk.withUnsafeBufferPointer { buffer throws(LoadError) in
                try body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
            }
        }
    }

    /// Calls `body` with each line (without `\n` or a trailing `\r`) and its 1-based number.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(LoadError) -> Void) throws(LoadError) {
        var carry: [UInt8] = []
        var line = 0
        try forEachChunk { chunk throws(LoadError) in
            var start = 0
            var index = 0
            let count = chunk.count
            while index < count {
                guard let base = chunk.baseAddress,
                    let found = memchr(base + index, 0x0A, count - index)
                else { break }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                line += 1
                if carry.isEmpty {
                    try body(Self.trimmed(UnsafeBufferPointer(rebasing: chunk[start..<end])), line)
                } else {
                    carry.append(contentsOf: chunk[start..<end])
                    try carry.withUnsafeBufferPointer { joined throws(LoadError) in try body(Self.trimmed(joined), line)
                    }
                    carry.removeAll(keepingCapacity: true)
                }
                start = end + 1
                index = start
            }
            carry.append(contentsOf: chunk[start..<count])
        }
        if !carry.isEmpty {
            line += 1
            try carry.withUnsafeBufferPointer { rest throws(LoadError) in try body(Self.trimmed(rest), line) }
        }
    }

    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let last = line.last, last == 0x0D else { return line }
        return UnsafeBufferPointer(rebasing: line.dropLast())
    }
}
