import DltafJSON
import DltafLoad
import DltafProtocol
import DltafTestSupport
import Foundation
import Testing

@Suite("NDJSON and CSV files")
struct FileTests {
    @Test(
        "NDJSON lines with varying keys and nested values; CSV with quotes, NULLs and empty strings",
        arguments: Backend.allCases)
    func files(backend: Backend) async throws {
        try await backend.with { harness in
            let spool = harness.workspace.path("spool")
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            let ndjson = try harness.workspace.write(
                "spool/a.ndjson",
                """
                {"id": 1, "name": "a", "tags": ["x", "y"]}

                {"name": "b", "id": 2, "meta": {"deep": {"k": null}}}\r
                {"id": 3}
                """)
            let session = try harness.session(spool: spool)
            try session.open(StreamDeclaration(stream: "j"))
            #expect(try session.writeFile(stream: "j", path: ndjson, format: .ndjson) == 3)
            let csv = try harness.workspace.write(
                "spool/b.csv",
                "id,name,note\r\n1,plain,\r\n2,\"quoted, with \"\"quotes\"\"\nand a newline\",\"\"\n3,,x\n")
            try session.open(
                StreamDeclaration(stream: "c", columns: [.init(name: "id", type: .bigint, nullable: false)]))
            #expect(try session.writeFile(stream: "c", path: csv, format: .csv) == 3)
            _ = try session.finish()

            let json = try harness.query("SELECT id, name, tags, meta FROM j ORDER BY id")
            #expect(json.map { $0[0] } == ["1", "2", "3"])
            #expect(json[0][2].map { try? JSONParser.parse($0) } == ["x", "y"])
            #expect(json[1][3].map { try? JSONParser.parse($0) } == ["deep": ["k": .null]])
            #expect(json[2][1] == nil)
            let rows = try harness.query("SELECT id, name, note FROM c ORDER BY id")
            #expect(
                rows == [["1", "plain", nil], ["2", "quoted, with \"quotes\"\nand a newline", ""], ["3", nil, "x"]])
        }
    }

    @Test(
        "a malformed line, invalid UTF-8 and a file outside the spool folder are refused", arguments: Backend.allCases)
    func malformed(backend: Backend) async throws {
        try await backend.with { harness in
            let spool = harness.workspace.path("spool")
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            let broken = try harness.workspace.write("spool/broken.ndjson", "{\"id\": 1}\n{\"id\": 2}\n{\"id\": \n")
            let session = try harness.session(spool: spool)
            try session.open(StreamDeclaration(stream: "s"))
            let error = expectLoadError(.badRows) { try session.writeFile(stream: "s", path: broken, format: .ndjson) }
            #expect(error?.message.contains("line 3") == true)
            #expect(error?.message.contains("stream s") == true)
            session.abort()
            #expect(try harness.tableExists("s") == false)

            let invalid = harness.workspace.path("spool/bad.csv")
            try Data([0x61, 0x0A, 0x6F, 0x6B, 0x0A, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: invalid))
            let second = try harness.session(loadID: "load-2", spool: spool)
            try second.open(StreamDeclaration(stream: "s"))
            let utf8 = expectLoadError(.badRows) { try second.writeFile(stream: "s", path: invalid, format: .csv) }
            #expect(utf8?.message.contains("line 3") == true)
            #expect(utf8?.message.contains("UTF-8") == true)
            second.abort()

            let outside = try harness.workspace.write("elsewhere.ndjson", "{\"id\": 1}\n")
            let link = spool + "/link.ndjson"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
            let third = try harness.session(loadID: "load-3", spool: spool)
            try third.open(StreamDeclaration(stream: "s"))
            expectLoadError(.fileOutsideSpool) { try third.writeFile(stream: "s", path: outside, format: .ndjson) }
            expectLoadError(.fileOutsideSpool) { try third.writeFile(stream: "s", path: link, format: .ndjson) }
            expectLoadError(.fileOutsideSpool) { try third.writeFile(stream: "s", path: spool, format: .ndjson) }
            third.abort()
        }
    }

    @Test(
        "NUL characters: SQLite stores them faithfully, PostgreSQL refuses them naming the column",
        arguments: Backend.allCases)
    func nul(backend: Backend) async throws {
        try await backend.with { harness in
            let session = try harness.session()
            try session.open(StreamDeclaration(stream: "s"))
            let text = "a\u{0}b"
            switch backend {
            case .sqlite:
                try session.write(stream: "s", columns: ["v", "doc"], rows: [[.string(text), ["k": .string(text)]]])
                _ = try session.finish()
                #expect(try harness.query("SELECT hex(v), length(CAST(v AS BLOB)) FROM s") == [["610062", "3"]])
                #expect(
                    try harness.query("SELECT doc FROM s").first?.first.flatMap { $0.map { try? JSONParser.parse($0) } }
                        == ["k": .string(text)])
            case .postgres:
                try session.write(stream: "s", columns: ["v"], rows: [["ok"]])
                _ = try session.checkpoint(state: nil)
                let error = expectLoadError(.badRows) {
                    try session.write(stream: "s", columns: ["v"], rows: [["fine"], [.string(text)]])
                    _ = try session.checkpoint(state: nil)
                }
                #expect(error?.message.contains("column v") == true)
                #expect(error?.message.contains("NUL") == true)
                session.abort()
                let json = try harness.session(loadID: "load-2")
                try json.open(StreamDeclaration(stream: "s"))
                expectLoadError(.badRows) {
                    try json.write(stream: "s", columns: ["doc"], rows: [[["k": .string(text)]]])
                }
                json.abort()
                #expect(try harness.query("SELECT v FROM s") == [["ok"]])
            }
        }
    }
}
