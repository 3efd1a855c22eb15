public import DltafJSON

/// The `data/checkpoint` request's params: make everything written so far durable, with new state
/// (PROTOCOL.md §8.2, `protocol/schema/data.checkpoint.params.json`).
public struct DataCheckpointParams: Sendable, Equatable {
    /// The new pipeline state; nil keeps the current one (`.null` clears it).
    public var state: JSONValue?
    /// The new state of each stream it names; the other streams keep theirs.
    public var streams: JSONObject?

    /// Creates checkpoint params.
    public init(state: JSONValue? = nil, streams: JSONObject? = nil) {
        self.state = state
        self.streams = streams
    }

    /// The JSON form.
    public var json: JSONValue {
        var object = JSONObject()
        if let state { object["state"] = state }
        if let streams { object["streams"] = .object(streams) }
        return .object(object)
    }

    /// Reads the JSON form; an explicit `"state": null` reads as `.null`, an absent one as nil.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/checkpoint params", json)
        state = reader.object["state"]
        streams = try reader.members("streams")
    }
}

/// The `data/checkpoint` answer, sent only once the checkpoint is durable
/// (`protocol/schema/data.checkpoint.result.json`).
public struct DataCheckpointResult: Sendable, Equatable {
    /// The id of this run's loads.
    public var loadID: String
    /// The checkpoint's number, from 1 in this run.
    public var checkpoint: Int
    /// Rows committed by this checkpoint, per stream.
    public var rows: [String: Int]

    /// Creates a checkpoint answer.
    public init(loadID: String, checkpoint: Int, rows: [String: Int] = [:]) {
        self.loadID = loadID
        self.checkpoint = checkpoint
        self.rows = rows
    }

    /// The JSON form; `rows` is sorted by stream.
    public var json: JSONValue {
        var counts = JSONObject()
        for (stream, count) in rows.sorted(by: { $0.key < $1.key }) { counts[stream] = .int(count) }
        return ["load_id": .string(loadID), "checkpoint": .int(checkpoint), "rows": .object(counts)]
    }

    /// Reads the JSON form.
    public init(json: JSONValue) throws(ProtocolViolation) {
        let reader = try MemberReader("data/checkpoint result", json)
        loadID = try reader.name("load_id")
        guard let number = try reader.int("checkpoint") else {
            throw ProtocolViolation("\(reader.what): \"checkpoint\" is required (an integer)")
        }
        checkpoint = number
        var counts: [String: Int] = [:]
        for (stream, count) in try reader.members("rows") ?? JSONObject() {
            guard let rows = count.intValue else {
                throw ProtocolViolation(
                    "\(reader.what): \"rows.\(stream)\" must be an integer, got \(count.typeDescription)")
            }
            counts[stream] = rows
        }
        rows = counts
    }
}
