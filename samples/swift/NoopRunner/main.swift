// The smallest useful runner: answers `noop` runs at once. Used by `make bench` to measure dltaf's overhead.
import DltafPluginKit
import DltafProtocol

var plugin = Plugin(name: "noop-runner", version: "1.0.0", description: "Does nothing, successfully")
plugin.runner("noop", description: "Does nothing") { _ in
    RunOutcome(status: .success, message: "nothing to do")
}
await plugin.serve()
