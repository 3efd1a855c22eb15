public import DltafJSON

/// The `runner/validate` request's params (PROTOCOL.md §3.2, `protocol/schema/runner.validate.params.json`).
public struct RunnerValidateParams: Sendable, Equatable {
    /// The runner kind (`source.kind`).
    public var kind: String
    /// The manifest after templating and overrides.
    public var manifest: JSONValue
    /// The call's context.
    public var context: CallContext

    /// Creates validate params.
    public init(kind: String, manifest: JSONValue, context: CallContext) {
        self.kind = kind
        self.manifest = manifest
        self.context = context
    }

    /// The JSON form.
    public var json: JSONValue {
        ["kind": .string(kind), "manifest": manifest, "context": context.json]
    }

    /// Reads the JSON form; `kind` is required, an absent manifest or context reads as empty.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("runner/validate params", json)
        kind = try reader.name("kind")
        manifest = try reader.manifest()
        context = try reader.context()
    }
}

/// The `runner/run` request's params (PROTOCOL.md §3.2 and §8.1, `protocol/schema/runner.run.params.json`).
public struct RunnerRunParams: Sendable, Equatable {
    /// The runner kind (`source.kind`).
    public var kind: String
    /// The manifest after templating and overrides.
    public var manifest: JSONValue
    /// The call's context.
    public var context: CallContext
    /// Credentials for this run, for this runner only. Never log or echo them.
    public var env: [String: String]
    /// The `data.v1` feature's params, when the host and the plugin negotiated it (§8.1).
    public var data: RunnerDataParams?

    /// Creates run params.
    public init(
        kind: String, manifest: JSONValue, context: CallContext, env: [String: String] = [:],
        data: RunnerDataParams? = nil
    ) {
        self.kind = kind
        self.manifest = manifest
        self.context = context
        self.env = env
        self.data = data
    }

    /// The JSON form; `env` is sorted by name.
    public var json: JSONValue {
        var credentials = JSONObject()
        for (name, value) in env.sorted(by: { $0.key < $1.key }) { credentials[name] = .string(value) }
        var object: JSONObject = [
            "kind": .string(kind), "manifest": manifest, "context": context.json, "env": .object(credentials),
        ]
        if let data { object["data"] = data.json }
        return .object(object)
    }

    /// Reads the JSON form; `kind` is required, an absent manifest, context or env reads as empty.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("runner/run params", json)
        kind = try reader.name("kind")
        manifest = try reader.manifest()
        context = try reader.context()
        env = try reader.stringMap("env") ?? [:]
        data = try reader.nested("data").map { reader throws(ProtocolViolation) in try RunnerDataParams(reader) }
    }
}

/// What `runner/run` carries for the `data.v1` feature (PROTOCOL.md §8.1).
public struct RunnerDataParams: Sendable, Equatable {
    /// Where the rows go.
    public struct Destination: Sendable, Equatable {
        /// The destination's name (`sqlite`, `postgres`).
        public var name: String
        /// The dataset (schema) the tables go to.
        public var dataset: String

        /// Creates a destination.
        public init(name: String, dataset: String) {
            self.name = name
            self.dataset = dataset
        }
    }

    /// The folder the host created for this run (mode 0700); `data/write` files must lie directly inside it.
    public var spoolDirectory: String
    /// The pipeline state of the last committed checkpoint (`null` on the first run).
    public var state: JSONValue
    /// The state of each stream at that checkpoint.
    public var streams: JSONObject
    /// The id of this run's loads (the run id).
    public var loadID: String
    /// Where the rows go.
    public var destination: Destination

    /// Creates data params.
    public init(
        spoolDirectory: String, state: JSONValue = .null, streams: JSONObject = JSONObject(), loadID: String,
        destination: Destination
    ) {
        self.spoolDirectory = spoolDirectory
        self.state = state
        self.streams = streams
        self.loadID = loadID
        self.destination = destination
    }

    /// The JSON form.
    public var json: JSONValue {
        [
            "spool_dir": .string(spoolDirectory), "state": state, "streams": .object(streams),
            "load_id": .string(loadID),
            "destination": ["name": .string(destination.name), "dataset": .string(destination.dataset)],
        ]
    }

    /// Reads the JSON form; every member but `state` and `streams` is required.
    public init(json: JSONValue) throws(ProtocolViolation) {
        try self.init(MemberReader("runner/run params.data", json))
    }

    init(_ reader: MemberReader) throws(ProtocolViolation) {
        spoolDirectory = try reader.name("spool_dir")
        state = reader.value("state") ?? .null
        streams = try reader.members("streams") ?? JSONObject()
        loadID = try reader.name("load_id")
        guard let target = try reader.nested("destination") else {
            throw ProtocolViolation("\(reader.what): \"destination\" is required ({name, dataset})")
        }
        destination = Destination(name: try target.name("name"), dataset: try target.name("dataset"))
    }
}
