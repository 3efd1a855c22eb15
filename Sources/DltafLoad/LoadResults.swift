import DltafJSON
import DltafProtocol

/// The state the destination holds for a pipeline: what `runner/run` hands the runner (PROTOCOL.md §8.1).
public struct CommittedState: Sendable, Equatable {
    /// The pipeline state; nil when none was committed (first run or after a reset).
    public var pipeline: JSONValue?
    /// The state of each stream.
    public var streams: [String: JSONValue]

    /// Creates a state.
    public init(pipeline: JSONValue?, streams: [String: JSONValue]) {
        self.pipeline = pipeline
        self.streams = streams
    }
}

/// The answer to `data/checkpoint`, given only once everything is durable.
public struct CheckpointResult: Sendable, Equatable {
    /// The run's load id.
    public var loadID: String
    /// Counts from 1 in this run.
    public var checkpoint: Int
    /// Rows committed by this checkpoint, per open stream.
    public var rows: [String: Int]

    /// Creates a result.
    public init(loadID: String, checkpoint: Int, rows: [String: Int]) {
        self.loadID = loadID
        self.checkpoint = checkpoint
        self.rows = rows
    }
}

/// What happened to one table in a run, for the run result.
public struct TableStatistics: Sendable, Equatable {
    /// The stream.
    public var stream: String
    /// The table.
    public var table: String
    /// Its disposition.
    public var writeDisposition: WriteDisposition
    /// Rows handed to the destination by writes (discarded rows excluded).
    public var rowsWritten: Int
    /// Rows of those that are committed.
    public var rowsCommitted: Int
    /// Rows dropped by the `discard_row` contract.
    public var rowsDiscarded: Int
    /// `count(*)` of the table when the stream was opened (0 when it did not exist).
    public var rowsBefore: Int
    /// `count(*)` after the final commit; nil until `finish()` succeeded.
    public var rowsAfter: Int?
    /// New rows: committed rows for append and replace, the growth of the table for merge.
    public var inserted: Int
    /// Rows that replaced an existing key (merge, including repeats of a key within the run).
    public var updated: Int
}

/// The outcome of `finish()`.
public struct LoadSummary: Sendable, Equatable {
    /// The run's load id.
    public var loadID: String
    /// Commits of the run, the final one included.
    public var checkpoints: Int
    /// One entry per open stream, in opening order.
    public var tables: [TableStatistics]
}
