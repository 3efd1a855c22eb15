public import DltafJSON
import DltafPluginHost
import DltafProtocol
import DltafRun
import Foundation

extension PluginInspector.Description {
    /// What `dltaf plugins describe` prints: name and version, executable, protocol, handshake time, then one
    /// line per runner, hook and check; nil when the handshake failed (`failure` says why).
    public var report: String? {
        guard let handshake, let resolved = resolution.resolved else { return nil }
        var lines = [
            "\(handshake.plugin.name) \(handshake.plugin.version)" + Self.about(handshake.plugin.description),
            "spec: \(resolution.spec)", "executable: \(resolved.commandLine) (\(resolved.delivery.rawValue))",
            "protocol: \(handshake.protocolVersion)",
            "handshake: \(((startupMilliseconds ?? 0) * 10).rounded() / 10) ms",
        ]
        for runner in handshake.provides.runners {
            lines.append("runner  \(runner.kind)\(Self.about(runner.description))")
        }
        for hook in handshake.provides.hooks {
            let events = hook.events.map(\.rawValue).joined(separator: ", ")
            lines.append("hook    \(hook.name) [\(events)]\(Self.about(hook.description))")
        }
        for check in handshake.provides.checks {
            lines.append("check   \(check.name)\(Self.about(check.description))")
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON form of `report`: the handshake result plus spec, executable, delivery, startup_ms and exit.
    public var json: JSONValue? {
        guard let handshake, let resolved = resolution.resolved else { return nil }
        var object = handshake.json.objectValue ?? JSONObject()
        object["spec"] = .string(resolution.spec.description)
        object["executable"] = .string(resolved.commandLine)
        object["delivery"] = .string(resolved.delivery.rawValue)
        object["startup_ms"] = .double(((startupMilliseconds ?? 0) * 1000).rounded() / 1000)
        object["exit"] = exit.map { .string($0.description) } ?? .null
        return .object(object)
    }

    private static func about(_ description: String?) -> String {
        description.map { " — \($0)" } ?? ""
    }
}

extension PluginInspector {
    /// What `dltaf plugins list` prints: a KIND, NAME, ORIGIN, PROTOCOL, EXECUTABLE table of `rows`.
    public static func table(_ rows: [Row]) -> String {
        TextTable.render(
            [["KIND", "NAME", "ORIGIN", "PROTOCOL", "EXECUTABLE"]]
                + rows.map { [$0.kind, $0.name, $0.origin, $0.protocolVersion.map(String.init) ?? "-", $0.executable] })
    }

    /// The JSON form of `dltaf plugins list`: `{extensions: [row], errors: [text]}`.
    public static func json(_ rows: [Row], errors: [String]) -> JSONValue {
        ["extensions": .array(rows.map(\.json)), "errors": .array(errors.map { .string($0) })]
    }
}
