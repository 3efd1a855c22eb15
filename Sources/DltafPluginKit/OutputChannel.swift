import DltafProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Sends protocol messages, one whole line at a time: to the real stdout, or to a test host.
///
/// At start the SDK moves the real stdout to a private descriptor and points descriptor 1 at stderr, so a
/// stray `print` in plugin code lands in the log instead of corrupting the protocol.
final class OutputChannel: Sendable {
    private let lock = Mutex(())
    private let sink: @Sendable (RPCMessage) -> Void

    init(sink: @escaping @Sendable (RPCMessage) -> Void) {
        self.sink = sink
    }

    /// Takes over stdout: protocol lines go to a duplicate of it, and fd 1 becomes stderr.
    static func takeOverStdout() -> OutputChannel {
        let duplicate = dup(1)
        _ = dup2(2, 1)
        let descriptor = duplicate >= 0 ? duplicate : 1
        return OutputChannel { message in write(message.encodedLine(), to: descriptor) }
    }

    func send(_ message: RPCMessage) {
        lock.withLock { _ in sink(message) }
    }

    private static func write(_ line: [UInt8], to descriptor: Int32) {
        // The host is gone when its end no longer reads; nothing more can be said.
        if !DescriptorWriter.writeAll(line, to: descriptor) { exit(0) }
    }
}
