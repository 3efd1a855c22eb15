import DltafJSON
import DltafLoad
import DltafProtocol
import Testing

@Suite("State committed with the data")
struct StateTests {
    @Test(
        "stream states are replaced one by one; nil keeps the pipeline state; reset deletes",
        arguments: Backend.allCases)
    func roundTrip(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            #expect(try session.committedState() == CommittedState(pipeline: nil, streams: [:]))
            let nested: JSONValue = [
                "cursor": "2024-01-01T00:00:00Z", "ids": [1, 2.5, "x", .null], "deep": ["a": true],
            ]
            _ = try session.checkpoint(state: nested, streams: ["a": 1, "b": ["k": "v"]])
            let second = try session.checkpoint(state: nil, streams: ["a": 2])
            #expect(second.checkpoint == 2)
            #expect(
                try session.committedState() == CommittedState(pipeline: nested, streams: ["a": 2, "b": ["k": "v"]]))
            _ = try session.finish()

            let later = try harness.session(loadID: "load-2")
            #expect(try later.committedState().streams["b"] == ["k": "v"])
            try later.resetState(pipeline: "pipe", stream: "a")
            #expect(try later.committedState() == CommittedState(pipeline: nested, streams: ["b": ["k": "v"]]))
            try later.resetState(pipeline: "pipe", stream: "")
            #expect(try later.committedState().pipeline == nil)
            try later.resetState(pipeline: "pipe", stream: nil)
            #expect(try later.committedState() == CommittedState(pipeline: nil, streams: [:]))
            #expect(try later.committedState(pipeline: "other") == CommittedState(pipeline: nil, streams: [:]))
            later.abort()
        }
    }

    @Test(
        "abort and a dropped session leave the previous state and no rows of the open checkpoint",
        arguments: Backend.allCases)
    func abortKeepsPrevious(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "events"))
            try session.write(stream: "events", columns: ["id"], rows: [[1], [2]])
            _ = try session.checkpoint(state: ["offset": 2], streams: ["events": ["offset": 2]])
            try session.write(stream: "events", columns: ["id", "late"], rows: [[3, "x"], [4, "y"]])
            try session.open(StreamDeclaration(stream: "never"))
            try session.write(stream: "never", columns: ["id"], rows: [[1]])
            session.abort()
            expectLoadError(.noRun) { _ = try session.checkpoint(state: nil) }

            #expect(try harness.count("events") == 2)
            #expect(try harness.tableExists("never") == false)
            let columns = try harness.query("SELECT * FROM events").first?.count
            #expect(columns == 2)  // id and _dltaf_load_id: the column added after the checkpoint is gone too

            // A session dropped without finish or abort (a killed host) rolls back the same way.
            do {
                let dropped = try harness.session(loadID: "load-2")
                try dropped.open(StreamDeclaration(stream: "events"))
                try dropped.write(stream: "events", columns: ["id"], rows: [[5]])
            }
            let check = try harness.session(loadID: "load-3")
            #expect(
                try check.committedState()
                    == CommittedState(pipeline: ["offset": 2], streams: ["events": ["offset": 2]]))
            check.abort()
            #expect(try harness.count("events") == 2)
            #expect(try harness.query("SELECT count(*) FROM _dltaf_loads") == [["1"]])
        }
    }
}
