import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation
import Testing

@Suite("the data.v1 feature of the Swift SDK, answered in memory by PluginTestHost")
struct DataFeatureTests {
    static let context = CallContext(
        runID: "run", startedAt: "2026-01-01T00:00:00Z", mode: .run, manifestPath: "/m/x.yaml", manifestDirectory: "/m",
        pipeline: CallContext.Pipeline(name: "dlt__t__to__sqlite__demo", destination: "sqlite", dataset: "demo"),
        sourceKind: "numbers")

    /// A runner writing `source.count` rows, `source.chunk` at a time, then checkpointing the last id.
    static func plugin(batchRows: Int = 4) -> Plugin {
        var plugin = Plugin(name: "rows", version: "1.0.0")
        plugin.dataBatchRows = batchRows
        plugin.runner("numbers") { call in
            guard let data = call.data else { return RunOutcome(status: .success, message: "no data feature") }
            let source = call.manifest["source"]
            let count = source?["count"]?.intValue ?? 0
            let chunk = max(1, source?["chunk"]?.intValue ?? 1)
            let start = data.streamState("numbers")["last_id"]?.intValue ?? 0
            try await data.open(stream: "numbers", primaryKey: ["id"])
            var id = start
            while id < start + count {
                let upper = min(id + chunk, start + count)
                let rows = (id + 1...upper).map { ["id": JSONValue.int($0), "odd": .bool($0 % 2 == 1)] }
                try await data.write(stream: "numbers", rows: rows)
                id = upper
            }
            if source?["checkpoint"] != false {
                let answer = try await data.checkpoint(streams: ["numbers": ["last_id": .int(id)]])
                call.log(.info, "checkpoint \(answer.checkpoint): \(answer.rows)")
            }
            if source?["tail"]?.intValue.map({ $0 > 0 }) == true {
                try await data.write(stream: "numbers", columns: ["id"], values: [[.int(id + 1)]])
            }
            if source?["fail"] == true { return RunOutcome(status: .failed, message: "failed on purpose") }
            return RunOutcome(status: .success, message: "\(data.rowsAccepted["numbers"] ?? 0) rows")
        }
        return plugin
    }

    static func manifest(_ source: JSONObject) -> JSONValue { ["source": .object(source)] }

    @Test("the feature is taken up when offered, and only then does a runner get call.data")
    func negotiation() async throws {
        let offered = PluginTestHost(Self.plugin())
        #expect(try await offered.initialize().features == [ProtocolFeature.data])
        #expect(offered.dataNegotiated)
        await offered.close()

        let plain = PluginTestHost(Self.plugin())
        #expect(try await plain.initialize(features: []).features.isEmpty)
        let outcome = try await plain.run(kind: "numbers", manifest: Self.manifest(["count": 3]), context: Self.context)
        #expect(outcome.message == "no data feature")
        #expect(plain.data.writes.isEmpty)
        await plain.close()

        var optedOut = Self.plugin()
        optedOut.offersData = false
        let host = PluginTestHost(optedOut)
        #expect(try await host.initialize().features.isEmpty)
        await host.close()
    }

    @Test("rows are cut into batches of dataBatchRows, in order, flushed before the checkpoint")
    func batching() async throws {
        let host = PluginTestHost(Self.plugin(batchRows: 4))
        _ = try await host.initialize()
        let outcome = try await host.run(
            kind: "numbers", manifest: Self.manifest(["count": 10, "chunk": 3]), context: Self.context)
        #expect(outcome.status == .success)
        #expect(outcome.message == "10 rows")
        let sizes = host.data.writes.map { write -> Int in
            if case .rows(_, let values) = write.batch { return values.count }
            return -1
        }
        #expect(sizes == [4, 4, 2])
        #expect(host.data.committed("numbers").map { $0["id"]?.intValue ?? 0 } == Array(1...10))
        #expect(host.data.committed("numbers").first?.keys == ["id", "odd"])
        #expect(host.data.checkpoints.count == 1)
        #expect(host.data.streamStates["numbers"] == ["last_id": 10])
        await host.close()
    }

    @Test("the next run sees the committed stream state and resumes from it")
    func resume() async throws {
        let host = PluginTestHost(Self.plugin())
        _ = try await host.initialize()
        _ = try await host.run(kind: "numbers", manifest: Self.manifest(["count": 2]), context: Self.context)
        _ = try await host.run(kind: "numbers", manifest: Self.manifest(["count": 2]), context: Self.context)
        #expect(host.data.committed("numbers").map { $0["id"]?.intValue ?? 0 } == [1, 2, 3, 4])
        await host.close()
    }

    @Test("rows buffered after the last checkpoint are sent when the runner returns; a failed run's are not")
    func flushOnReturn() async throws {
        let host = PluginTestHost(Self.plugin(batchRows: 100))
        _ = try await host.initialize()
        _ = try await host.run(
            kind: "numbers", manifest: Self.manifest(["count": 2, "tail": 1]), context: Self.context)
        #expect(host.data.writes.count == 2)
        #expect(host.data.committed("numbers").count == 3)

        let failing = PluginTestHost(Self.plugin(batchRows: 100))
        _ = try await failing.initialize()
        let outcome = try await failing.run(
            kind: "numbers", manifest: Self.manifest(["count": 2, "checkpoint": false, "fail": true]),
            context: Self.context)
        #expect(outcome.status == .failed)
        #expect(failing.data.writes.isEmpty)
        #expect(failing.data.committed("numbers").isEmpty)
        await host.close()
        await failing.close()
    }

    @Test("an error the host answers is a typed DataError, and fails the runner's call with its data")
    func hostErrors() async throws {
        var plugin = Plugin(name: "errors", version: "1.0.0")
        plugin.runner("numbers") { call in
            guard let data = call.data else { throw PluginError("no data feature") }
            try await data.open(stream: "numbers")
            do throws(DataError) {
                try await data.open(stream: "numbers")
                Issue.record("opened twice")
            } catch {
                #expect(error.dataCode == .streamAlreadyOpen)
                #expect(error.category == .data)
                #expect(!error.retryable)
            }
            do throws(DataError) {
                try await data.write(stream: "other", rows: [["id": 1]])
                Issue.record("wrote to a stream that is not open")
            } catch {
                #expect(error.dataCode == .streamNotOpen)
            }
            do throws(DataError) {
                try await data.write(stream: "numbers", columns: ["id", "text"], values: [[1]])
                Issue.record("wrote a narrow row")
            } catch {
                #expect(error.dataCode == .badRows)
            }
            try await data.write(stream: "numbers", rows: [["id": 1]])
            _ = try await data.checkpoint(state: ["done": true])
            return RunOutcome(status: .success)
        }
        let host = PluginTestHost(plugin)
        _ = try await host.initialize()
        host.data.failNext(ProtocolMethod.dataCheckpoint, with: .destinationFailed, message: "disk full")
        do {
            _ = try await host.run(kind: "numbers", manifest: [:], context: Self.context)
            Issue.record("a refused checkpoint did not fail the run")
        } catch {
            #expect(error.code == RPCErrorCode.handlerFailed)
            #expect(error.data?["code"] == "destination_failed")
            #expect(error.data?["category"] == "CONNECTIVITY")
            #expect(error.data?["retryable"] == true)
            #expect(error.message.contains("disk full"))
        }
        #expect(host.data.committed("numbers").isEmpty)
        #expect(host.data.state == .null)
        await host.close()
    }

    @Test("rows given as objects with differing keys share one layout; missing keys are null")
    func layout() async throws {
        var plugin = Plugin(name: "layout", version: "1.0.0")
        plugin.runner("mixed") { call in
            guard let data = call.data else { throw PluginError("no data feature") }
            try await data.open(stream: "mixed")
            try await data.write(stream: "mixed", rows: [["b": 1, "a": 2], ["c": "x"]])
            try await data.write(stream: "mixed", columns: ["a", "d"], values: [[3, 4]])
            return RunOutcome(status: .success)
        }
        let host = PluginTestHost(plugin)
        _ = try await host.initialize()
        _ = try await host.run(kind: "mixed", manifest: [:], context: Self.context)
        guard case .rows(let columns, let values)? = host.data.writes.first?.batch else {
            Issue.record("no inline write")
            return
        }
        #expect(columns == ["a", "b", "c", "d"])
        #expect(values == [[2, 1, .null, .null], [.null, .null, "x", .null], [3, .null, .null, 4]])
        await host.close()
    }

    @Test("a file in the spool folder is handed over after the stream's buffered rows")
    func fileByReference() async throws {
        var plugin = Plugin(name: "files", version: "1.0.0")
        plugin.runner("file") { call in
            guard let data = call.data else { throw PluginError("no data feature") }
            try await data.open(stream: "events")
            try await data.write(stream: "events", rows: [["id": 1]])
            let path = data.spoolDirectory + "/events.ndjson"
            try Data("{\"id\":2}\n{\"id\":3}\n".utf8).write(to: URL(fileURLWithPath: path))
            let accepted = try await data.write(stream: "events", file: path, format: .ndjson)
            return RunOutcome(status: .success, message: "\(accepted) from the file")
        }
        let host = PluginTestHost(plugin)
        _ = try await host.initialize()
        let outcome = try await host.run(kind: "file", manifest: [:], context: Self.context)
        #expect(outcome.message == "2 from the file")
        #expect(host.data.writes.count == 2)
        #expect(host.data.committed("events").map { $0["id"]?.intValue ?? 0 } == [1, 2, 3])
        await host.close()
    }
}
