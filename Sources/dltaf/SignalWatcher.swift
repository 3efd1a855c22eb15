import CDltafShims
import Foundation

/// Turns SIGINT and SIGTERM into calls on a handler, off the signal context.
///
/// The signals are caught (a C handler writes their number to a pipe; a thread reads it), not ignored:
/// ignored dispositions would be inherited by every plugin, which then could not be stopped with SIGTERM.
final class SignalWatcher {
    private let readEnd: Int32
    private let writeEnd: Int32

    /// Starts watching; `handler` receives the signal's name (`SIGINT`, `SIGTERM`).
    init(handler: @escaping @Sendable (String) -> Void) {
        var descriptors: [Int32] = [-1, -1]
        _ = pipe(&descriptors)
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        let input = readEnd
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(input, &byte, 1)
                if count < 0, errno == EINTR { continue }
                guard count == 1 else { return }
                handler(byte == UInt8(SIGTERM) ? "SIGTERM" : "SIGINT")
            }
        }
        thread.name = "dltaf-signals"
        thread.start()
        _ = dltaf_forward_termination_signals(writeEnd)
    }

    deinit {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        close(writeEnd)
    }
}
