import DltafProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes protocol lines to the real stdout, one whole line at a time.
///
/// At start the SDK moves the real stdout to a private descriptor and points descriptor 1 at stderr, so a
/// stray `print` in plugin code lands in the log instead of corrupting the protocol.
final class OutputChannel: Sendable {
    private let descriptor: Mutex<Int32>

    init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    /// Takes over stdout: protocol lines go to a duplicate of it, and fd 1 becomes stderr.
    static func takeOverStdout() -> OutputChannel {
        let protocolDescriptor = dup(1)
        _ = dup2(2, 1)
        return OutputChannel(descriptor: protocolDescriptor >= 0 ? protocolDescriptor : 1)
    }

    func send(_ message: RPCMessage) {
        let line = message.encodedLine()
        descriptor.withLock { descriptor in
            line.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, base + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        // The host is gone; nothing more can be said.
                        exit(0)
                    }
                }
            }
        }
    }
}
