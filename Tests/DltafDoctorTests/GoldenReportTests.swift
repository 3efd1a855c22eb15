import DltafDoctor
import Foundation
import Testing

@Suite("doctor issues: golden files")
struct GoldenReportTests {
    static let cases = Corpus.cases("report")

    /// `LEVEL CODE line:column path` for each issue.
    static func lines(_ name: String) throws -> [String] {
        let diagnosis = try ManifestDoctor().diagnose(
            try Corpus.bytes("report", name + ".yaml"), file: "/corpus/" + name + ".yaml")
        return diagnosis.issues.map { "\($0.level.rawValue) \($0.code.rawValue) \($0.mark) \($0.path)" }
    }

    @Test("the issues are the expected ones, with line, column and key path", arguments: cases)
    func issues(_ name: String) throws {
        let expected = try Corpus.text("report", name + ".expected.txt").split(separator: "\n").map(String.init)
        #expect(try Self.lines(name) == expected)
    }

    @Test("every WARN and ERROR code has a golden file")
    func everyCodeCovered() throws {
        var seen = Set<String>()
        for name in Self.cases {
            for line in try Self.lines(name) {
                seen.insert(String(line.split(separator: " ")[1]))
            }
        }
        let codes = DoctorCode.allCases.filter { $0.level != .fix }.map(\.rawValue)
        #expect(Set(codes).subtracting(seen).isEmpty, "not covered: \(Set(codes).subtracting(seen))")
    }
}
