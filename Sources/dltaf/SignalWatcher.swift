import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into calls on a handler, off the signal context.
///
/// The default actions are replaced for as long as the watcher lives, so a Ctrl-C reaches the run's
/// cancellation instead of killing dltaf and orphaning its plugins.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    /// Starts watching; `handler` receives the signal's name (`SIGINT`, `SIGTERM`).
    init(handler: @escaping @Sendable (String) -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(name) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
