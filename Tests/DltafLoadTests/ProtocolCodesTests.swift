import DltafJSON
import DltafLoad
import DltafProtocol
import Foundation
import Testing

@Suite("LoadError and PROTOCOL.md §8.3")
struct ProtocolCodesTests {
    @Test("the error codes and categories are exactly those of the protocol's table")
    func codesMatchProtocol() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("protocol/PROTOCOL.md"), encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "### 8.3 Errors").last?.components(separatedBy: "### 8.4").first)
        var documented: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0] != "`code`" else { continue }
            documented[cells[0].trimmingCharacters(in: ["`"])] = cells[1].trimmingCharacters(in: ["`"])
        }
        let ours = Dictionary(uniqueKeysWithValues: LoadError.Code.allCases.map { ($0.rawValue, $0.category.rawValue) })
        #expect(ours == documented)
    }

    @Test("a reset with rows pending is committed with the next checkpoint; states of unopened streams are kept")
    func resetWithPendingRows() async throws {
        try await Backend.sqlite.with { harness in
            let session = try harness.session()
            _ = try session.checkpoint(state: ["p": 1], streams: ["elsewhere": 1, "s": 1])
            try session.open(StreamDeclaration(stream: "s"))
            try session.write(stream: "s", columns: ["id"], rows: [[1]])
            try session.resetState(pipeline: "pipe", stream: "s")
            let reader = try harness.session(loadID: "reader")
            #expect(try reader.committedState().streams == ["elsewhere": 1, "s": 1])
            reader.abort()
            _ = try session.checkpoint(state: nil)
            #expect(try session.committedState().streams == ["elsewhere": 1])
            _ = try session.finish()
        }
    }
}
