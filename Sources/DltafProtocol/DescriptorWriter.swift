#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole buffers to a file descriptor: the one place the host, the SDK and the CLI do raw writes.
public enum DescriptorWriter {
    /// Writes all of `bytes` to `descriptor`, retrying after interrupted and partial writes.
    ///
    /// - Returns: false when the descriptor stops accepting data (the reader is gone: EPIPE, or closed).
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
