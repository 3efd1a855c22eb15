import DltafJSON
import DltafLoad
import DltafProtocol
import Foundation
import Testing

@testable import DltafRun

/// The host side of `data/*` (PROTOCOL.md §8) on a real SQLite file: what a badly behaved runner gets.
@Suite("load plane: data/* requests served against SQLite")
struct LoadPlaneTests {
    func withPlane(_ body: (LoadPlane, String) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "dltaf-plane-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plane = try LoadPlane.open(
            destination: .sqlite(SQLiteConfiguration(path: folder + "/demo.sqlite")), pipeline: "p", dataset: "demo",
            runID: UUID().uuidString.lowercased(), writeDisposition: "append", schemaContract: nil,
            console: Console(minimumLevel: .error, sink: { _ in }))
        try body(plane, folder)
    }

    func code(_ outcome: Result<JSONValue, RPCError>) -> String? {
        guard case .failure(let error) = outcome else { return nil }
        return HandlerFailure(data: error.data).code
    }

    @Test("data/write before data/open is stream_not_open, and it fails the run")
    func writeBeforeOpen() throws {
        try withPlane { plane, _ in
            let outcome = plane.handle(
                ProtocolMethod.dataWrite, ["stream": "s", "rows": ["columns": ["a"], "values": [[1]]]])
            #expect(code(outcome) == "stream_not_open")
            #expect(plane.error?.code == "stream_not_open")
            #expect(plane.error?.message.contains("s") == true)
        }
    }

    @Test("after the runner's answer every data request is no_run; the spool folder holds only what it created")
    func afterTerminalResponse() throws {
        try withPlane { plane, _ in
            #expect(code(plane.handle(ProtocolMethod.dataOpen, ["stream": "s"])) == nil)
            #expect(FileManager.default.fileExists(atPath: plane.spoolDirectory))
            plane.stopServing()
            #expect(code(plane.handle(ProtocolMethod.dataCheckpoint, ["state": ["n": 1]])) == "no_run")
            plane.abort()
            #expect(!FileManager.default.fileExists(atPath: plane.spoolDirectory))
        }
    }

    @Test("a file outside the spool folder, and a row wider than its columns, are refused naming the stream")
    func refusedWrites() throws {
        try withPlane { plane, folder in
            _ = plane.handle(ProtocolMethod.dataOpen, ["stream": "orders"])
            let outside = folder + "/rows.ndjson"
            try Data("{\"a\": 1}\n".utf8).write(to: URL(fileURLWithPath: outside))
            let file = plane.handle(
                ProtocolMethod.dataWrite, ["stream": "orders", "file": ["path": .string(outside), "format": "ndjson"]])
            #expect(code(file) == "file_outside_spool")
            #expect(FileManager.default.fileExists(atPath: outside), "a file outside the spool is never deleted")
        }
        try withPlane { plane, _ in
            _ = plane.handle(ProtocolMethod.dataOpen, ["stream": "orders"])
            let wide = plane.handle(
                ProtocolMethod.dataWrite, ["stream": "orders", "rows": ["columns": ["a"], "values": [[1, 2]]]])
            #expect(code(wide) == "bad_rows")
            guard case .failure(let error) = wide else { return }
            #expect(error.message.contains("orders"))
        }
    }

    @Test("an earlier failure refuses every later request: nothing more is loaded in the run")
    func poisoned() throws {
        try withPlane { plane, _ in
            _ = plane.handle(
                ProtocolMethod.dataWrite, ["stream": "nope", "rows": ["columns": ["a"], "values": [[1]]]])
            let later = plane.handle(ProtocolMethod.dataOpen, ["stream": "ok"])
            #expect(code(later) == "stream_not_open")
        }
    }
}
