public import DltafJSON

/// Who a plugin says it is.
public struct PluginIdentity: Sendable, Equatable {
    /// The plugin's name.
    public var name: String
    /// The plugin's own release version.
    public var version: String
    /// One line about the plugin.
    public var description: String?

    /// Creates an identity.
    public init(name: String, version: String, description: String? = nil) {
        self.name = name
        self.version = version
        self.description = description
    }
}

/// A runner kind a plugin provides.
public struct RunnerInfo: Sendable, Equatable {
    /// The `source.kind` it handles.
    public var kind: String
    /// One line about it.
    public var description: String?

    /// Creates a runner entry.
    public init(kind: String, description: String? = nil) {
        self.kind = kind
        self.description = description
    }
}

/// A hook a plugin provides.
public struct HookInfo: Sendable, Equatable {
    /// The hook's name, as selected in `run.hooks`.
    public var name: String
    /// The events it handles.
    public var events: [HookEvent]
    /// One line about it.
    public var description: String?

    /// Creates a hook entry.
    public init(name: String, events: [HookEvent], description: String? = nil) {
        self.name = name
        self.events = events
        self.description = description
    }
}

/// An infra check a plugin provides.
public struct CheckInfo: Sendable, Equatable {
    /// The check's name, as selected in `run.online_checks`.
    public var name: String
    /// One line about it.
    public var description: String?

    /// Creates a check entry.
    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}

/// Everything a plugin offers.
public struct Provides: Sendable, Equatable {
    /// Runner kinds.
    public var runners: [RunnerInfo]
    /// Hooks.
    public var hooks: [HookInfo]
    /// Infra checks.
    public var checks: [CheckInfo]

    /// Creates a capability list.
    public init(runners: [RunnerInfo] = [], hooks: [HookInfo] = [], checks: [CheckInfo] = []) {
        self.runners = runners
        self.hooks = hooks
        self.checks = checks
    }
}

/// The `initialize` request's params.
public struct InitializeParams: Sendable, Equatable {
    /// Versions the host speaks.
    public var protocolVersions: [Int]
    /// The host's name and version.
    public var hostName: String
    /// The host's release version.
    public var hostVersion: String
    /// The spec that resolved to the plugin.
    public var spec: String
    /// The run's id.
    public var runID: String
    /// The longest line the host accepts.
    public var maxLineBytes: Int
    /// The optional features the host offers.
    public var features: [String] = ProtocolFeature.offered

    /// Creates handshake params.
    public init(
        protocolVersions: [Int] = DltafProtocol.supportedVersions, hostName: String = "dltaf",
        hostVersion: String, spec: String, runID: String, maxLineBytes: Int = DltafProtocol.defaultMaxLineBytes
    ) {
        self.protocolVersions = protocolVersions
        self.hostName = hostName
        self.hostVersion = hostVersion
        self.spec = spec
        self.runID = runID
        self.maxLineBytes = maxLineBytes
    }

    /// The JSON form.
    public var json: JSONValue {
        [
            "protocol_versions": .array(protocolVersions.map { .int($0) }),
            "host": ["name": .string(hostName), "version": .string(hostVersion)],
            "spec": .string(spec),
            "run_id": .string(runID),
            "limits": ["max_line_bytes": .int(maxLineBytes)],
            "features": .array(features.map { .string($0) }),
        ]
    }

    /// Reads the JSON form.
    public init(json: JSONValue) throws(ProtocolViolation) {
        guard let versions = json["protocol_versions"]?.arrayValue?.compactMap(\.intValue) else {
            throw ProtocolViolation("initialize: \"protocol_versions\" must be a list of integers")
        }
        protocolVersions = versions
        hostName = json["host"]?["name"]?.stringValue ?? "dltaf"
        hostVersion = json["host"]?["version"]?.stringValue ?? ""
        spec = json["spec"]?.stringValue ?? ""
        runID = json["run_id"]?.stringValue ?? ""
        maxLineBytes = json["limits"]?["max_line_bytes"]?.intValue ?? DltafProtocol.defaultMaxLineBytes
        features = json["features"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// The `initialize` answer.
public struct InitializeResult: Sendable, Equatable {
    /// The chosen protocol version.
    public var protocolVersion: Int
    /// The plugin's identity.
    public var plugin: PluginIdentity
    /// What the plugin offers.
    public var provides: Provides
    /// The optional features the plugin supports (only those the host offered count).
    public var features: [String] = []

    /// Creates a handshake answer.
    public init(protocolVersion: Int = DltafProtocol.currentVersion, plugin: PluginIdentity, provides: Provides) {
        self.protocolVersion = protocolVersion
        self.plugin = plugin
        self.provides = provides
    }

    /// The JSON form.
    public var json: JSONValue {
        var pluginObject: JSONObject = ["name": .string(plugin.name), "version": .string(plugin.version)]
        if let description = plugin.description { pluginObject["description"] = .string(description) }
        func described(_ base: JSONObject, _ description: String?) -> JSONValue {
            var object = base
            if let description { object["description"] = .string(description) }
            return .object(object)
        }
        return [
            "protocol_version": .int(protocolVersion),
            "plugin": .object(pluginObject),
            "provides": [
                "runners": .array(provides.runners.map { described(["kind": .string($0.kind)], $0.description) }),
                "hooks": .array(
                    provides.hooks.map {
                        described(
                            ["name": .string($0.name), "events": .array($0.events.map { .string($0.rawValue) })],
                            $0.description)
                    }),
                "checks": .array(provides.checks.map { described(["name": .string($0.name)], $0.description) }),
            ],
            "features": .array(features.map { .string($0) }),
        ]
    }

    /// Reads the JSON form, rejecting names that do not follow PROTOCOL.md §3.1.
    public init(json: JSONValue) throws(ProtocolViolation) {
        guard let version = json["protocol_version"]?.intValue else {
            throw ProtocolViolation("initialize result: \"protocol_version\" must be an integer")
        }
        guard let name = json["plugin"]?["name"]?.stringValue, !name.isEmpty else {
            throw ProtocolViolation("initialize result: \"plugin.name\" must be a non-empty string")
        }
        protocolVersion = version
        plugin = PluginIdentity(
            name: name, version: json["plugin"]?["version"]?.stringValue ?? "unknown",
            description: json["plugin"]?["description"]?.stringValue)
        let provided = json["provides"]
        var runners: [RunnerInfo] = []
        for entry in provided?["runners"]?.arrayValue ?? [] {
            let kind = try Self.name(entry["kind"], what: "runner kind")
            runners.append(RunnerInfo(kind: kind, description: entry["description"]?.stringValue))
        }
        var hooks: [HookInfo] = []
        for entry in provided?["hooks"]?.arrayValue ?? [] {
            let hookName = try Self.name(entry["name"], what: "hook name")
            var events: [HookEvent] = []
            for event in entry["events"]?.arrayValue ?? [] {
                guard let raw = event.stringValue, let parsed = HookEvent(rawValue: raw) else {
                    throw ProtocolViolation("hook \(hookName): unknown event \(event.jsonText)")
                }
                events.append(parsed)
            }
            if entry["events"] == nil { events = HookEvent.allCases }
            hooks.append(HookInfo(name: hookName, events: events, description: entry["description"]?.stringValue))
        }
        var checks: [CheckInfo] = []
        for entry in provided?["checks"]?.arrayValue ?? [] {
            let checkName = try Self.name(entry["name"], what: "check name")
            checks.append(CheckInfo(name: checkName, description: entry["description"]?.stringValue))
        }
        provides = Provides(runners: runners, hooks: hooks, checks: checks)
        features = json["features"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private static func name(_ value: JSONValue?, what: String) throws(ProtocolViolation) -> String {
        guard let text = value?.stringValue, Self.isValidName(text) else {
            throw ProtocolViolation("initialize result: invalid \(what) \(value?.jsonText ?? "(missing)")")
        }
        return text
    }

    /// Whether `name` is a valid runner kind, hook name or check name: `[A-Za-z0-9_.-]+`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                    return true
                default: return false
                }
            }
    }
}
