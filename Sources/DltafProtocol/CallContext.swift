public import DltafJSON

/// What a call is for, as `context.mode` says it (PROTOCOL.md §3.2).
public enum CallMode: String, Sendable, CaseIterable {
    /// A real run: load data.
    case run
    /// `--validate-only` and `manifest lint`.
    case validate
    /// `--plan`: nothing runs.
    case plan
    /// `--dry-run` and `--dry-run-online`: validated and checked, nothing loaded.
    case dryRun = "dry_run"
}

/// The `context` object every call carries (PROTOCOL.md §3.2, `protocol/schema/context.json`).
public struct CallContext: Sendable, Equatable {
    /// The manifest's `pipeline` names, as far as the manifest gives them.
    public struct Pipeline: Sendable, Equatable {
        /// `pipeline.name`.
        public var name: String?
        /// `pipeline.destination`.
        public var destination: String?
        /// `pipeline.dataset`.
        public var dataset: String?

        /// Creates pipeline names.
        public init(name: String? = nil, destination: String? = nil, dataset: String? = nil) {
            self.name = name
            self.destination = destination
            self.dataset = dataset
        }
    }

    /// The run's id (a UUID).
    public var runID: String
    /// When the run started, RFC 3339 UTC.
    public var startedAt: String
    /// What the call is for.
    public var mode: CallMode
    /// The manifest file's absolute path.
    public var manifestPath: String
    /// The manifest's folder; relative paths in the manifest resolve against it.
    public var manifestDirectory: String
    /// The manifest's pipeline names.
    public var pipeline: Pipeline
    /// `source.kind`.
    public var sourceKind: String
    /// The effective write disposition (`replace` by default).
    public var writeDisposition: String

    /// Creates a context.
    public init(
        runID: String, startedAt: String, mode: CallMode, manifestPath: String, manifestDirectory: String,
        pipeline: Pipeline, sourceKind: String, writeDisposition: String = "replace"
    ) {
        self.runID = runID
        self.startedAt = startedAt
        self.mode = mode
        self.manifestPath = manifestPath
        self.manifestDirectory = manifestDirectory
        self.pipeline = pipeline
        self.sourceKind = sourceKind
        self.writeDisposition = writeDisposition
    }

    /// The JSON form; pipeline names the manifest does not give are left out.
    public var json: JSONValue {
        var names = JSONObject()
        if let name = pipeline.name { names["name"] = .string(name) }
        if let destination = pipeline.destination { names["destination"] = .string(destination) }
        if let dataset = pipeline.dataset { names["dataset"] = .string(dataset) }
        return [
            "run_id": .string(runID),
            "started_at": .string(startedAt),
            "mode": .string(mode.rawValue),
            "manifest_path": .string(manifestPath),
            "manifest_dir": .string(manifestDirectory),
            "pipeline": .object(names),
            "source_kind": .string(sourceKind),
            "write_disposition": .string(writeDisposition),
        ]
    }

    /// Reads the JSON form. Members of the wrong type are violations; absent ones read as empty (`mode` as
    /// `run`, `write_disposition` as `replace`), so a plugin's unit test may pass a partial context.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("context", json)
        runID = try reader.string("run_id") ?? ""
        startedAt = try reader.string("started_at") ?? ""
        mode = try reader.choice("mode", CallMode.self) ?? .run
        manifestPath = try reader.string("manifest_path") ?? ""
        manifestDirectory = try reader.string("manifest_dir") ?? ""
        let names = try reader.nested("pipeline")
        pipeline = Pipeline(
            name: try names?.string("name"), destination: try names?.string("destination"),
            dataset: try names?.string("dataset"))
        sourceKind = try reader.string("source_kind") ?? ""
        writeDisposition = try reader.string("write_disposition") ?? "replace"
    }

    /// The context of a call whose params carry none (a plugin's unit test): every member empty.
    public static let empty = CallContext(
        runID: "", startedAt: "", mode: .run, manifestPath: "", manifestDirectory: "", pipeline: Pipeline(),
        sourceKind: "")
}
