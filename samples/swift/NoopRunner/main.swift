// The smallest useful runner: answers `noop` runs at once. Used by `make bench` to measure dltaf's overhead.
import DltafJSON
import DltafPluginKit
import DltafProtocol

var plugin = Plugin(name: "noop-runner", version: "1.0.0", description: "Does nothing, successfully")
// It loads no rows, so it does not ask dltaf to open the destination (data.v1).
plugin.offersData = false
plugin.runner("noop", description: "Does nothing") { call in
    call.manifest["source"]?["kind"]?.stringValue == "noop"
        ? [] : [Diagnostic(severity: .error, message: "source.kind must be noop", code: "kind", path: "/source/kind")]
} run: { _ in
    RunOutcome(status: .success, message: "nothing to do")
}
await plugin.serve()
