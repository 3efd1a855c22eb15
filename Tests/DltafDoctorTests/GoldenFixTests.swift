import DltafDoctor
import DltafTestSupport
import Foundation
import Testing

@Suite("doctor --apply: golden files")
struct GoldenFixTests {
    static let cases = Corpus.cases("fix")

    @Test("applying the fixes gives the expected file, byte for byte", arguments: cases)
    func apply(_ name: String) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try Corpus.copy("fix", name, into: workspace)
        let report = ManifestDoctor().examine(file: path, apply: true)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        #expect(report.skipped.isEmpty, "\(report.skipped)")
        #expect(!report.applied.isEmpty)
        let expected = try Corpus.bytes("fix", name + ".expected.yaml")
        let actual = fileBytes(path)
        #expect(
            actual == expected,
            "got:\n\(String(decoding: actual, as: UTF8.self))\nexpected:\n\(String(decoding: expected, as: UTF8.self))")
    }

    @Test("applying twice changes nothing and leaves no FIX issue", arguments: cases)
    func idempotent(_ name: String) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try Corpus.copy("fix", name, into: workspace)
        _ = ManifestDoctor().examine(file: path, apply: true)
        let once = fileBytes(path)
        let second = ManifestDoctor().examine(file: path, apply: true)
        #expect(fileBytes(path) == once)
        #expect(second.applied.isEmpty)
        #expect(second.failure == nil)
        #expect(second.issues.filter { $0.level == .fix }.isEmpty, "\(second.issues)")
    }

    @Test("every FIX code has a golden file")
    func everyFixCodeCovered() throws {
        var seen = Set<DoctorCode>()
        for name in Self.cases {
            let diagnosis = try ManifestDoctor().diagnose(try Corpus.bytes("fix", name + ".yaml"), file: name + ".yaml")
            seen.formUnion(diagnosis.issues.map(\.code))
        }
        let fixCodes = Set(DoctorCode.allCases.filter { $0.level == .fix })
        #expect(fixCodes.subtracting(seen).isEmpty, "not covered: \(fixCodes.subtracting(seen))")
    }

    @Test("the Python doctor's bug is fixed: connections.source.kind stays, source.kind changes")
    func connectionsSourceUntouched() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try Corpus.copy("fix", "sql_database", into: workspace)
        _ = ManifestDoctor().examine(file: path, apply: true)
        let text = String(decoding: fileBytes(path), as: UTF8.self)
        #expect(text.contains("    kind: postgres            # the connection slot: must stay postgres\n"))
        #expect(text.contains("  kind: sqldb   # deprecated alias\n  dialect: generic\n  mode: catalog\n"))
        let connections = try #require(text.range(of: "connections:")?.lowerBound)
        let source = try #require(text.range(of: "\nsource:")?.lowerBound)
        #expect(connections < source)
    }
}
