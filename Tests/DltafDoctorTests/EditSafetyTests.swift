import DltafManifest
import DltafTestSupport
import DltafYAML
import Foundation
import Testing

@testable import DltafDoctor

@Suite("doctor --apply: never a broken or half-written file")
struct EditSafetyTests {
    /// Writes `text` as `<name>.yaml` in a fresh workspace.
    private func manifest(_ text: String, name: String = "m", in workspace: Workspace) throws -> String {
        try workspace.write(name + ".yaml", text)
    }

    @Test("edits that would not load leave the file untouched and say why")
    func unloadableEditLeavesFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // An explicit `? key` entry: the new line gets the key's column as indentation, which does not parse.
        let text =
            "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\nsource:\n  ? kind\n  : sql_database\n"
        let path = try manifest(text, in: workspace)
        let report = ManifestDoctor().examine(file: path, apply: true)
        guard case .verificationFailed(_, let reason)? = report.failure else {
            Issue.record("expected a verification failure, got \(String(describing: report.failure))")
            return
        }
        #expect(reason.contains("would not load"))
        #expect(report.applied.isEmpty)
        #expect(fileBytes(path) == Array(text.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.root) == ["m.yaml"])
    }

    @Test("an edit that breaks the YAML is caught before anything is written")
    func corruptEditRejected() throws {
        let text = "version: 1\npipeline: {name: x, destination: ch, dataset: raw}\n"
        let doctor = ManifestDoctor()
        let diagnosis = try doctor.diagnose(Array(text.utf8), file: "m.yaml")
        let issue = try #require(diagnosis.issues.first { $0.code == .pipelineNameMismatch })
        let offset = "version: 1\npipeline: {name: ".utf8.count
        let broken = TextEdit(
            start: offset, end: offset + 1, text: "[m", removed: "x", mark: .init(line: 2, column: 18), order: 0)
        #expect(throws: DoctorError.self) {
            try doctor.verifiedText(
                Array(text.utf8), file: "m.yaml", diagnosis: diagnosis,
                applied: [AppliedFix(issue: issue, edits: [broken])])
        }
    }

    @Test("an edit that changes another value is caught")
    func driftRejected() throws {
        let text = "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\nx: 1\n"
        let doctor = ManifestDoctor()
        let diagnosis = try doctor.diagnose(Array(text.utf8), file: "m.yaml")
        let fix = DoctorFix(path: ["pipeline", "name"], value: .string("m"))
        let issue = DoctorIssue(
            code: .pipelineNameMismatch, message: "", mark: .init(line: 2, column: 18), path: ["pipeline", "name"],
            fix: fix)
        // Replaces `x: 1`'s value instead of the name.
        let offset = Array(text.utf8).count - 2
        let wrong = TextEdit(
            start: offset, end: offset + 1, text: "2", removed: "1", mark: .init(line: 3, column: 4), order: 0)
        do {
            _ = try doctor.verifiedText(
                Array(text.utf8), file: "m.yaml", diagnosis: diagnosis,
                applied: [AppliedFix(issue: issue, edits: [wrong])])
            Issue.record("expected a verification failure")
        } catch {
            #expect(error.description.contains("changes more than the fixed values"))
        }
    }

    @Test("a file that does not load is reported, counted and left alone")
    func unloadableFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let text = "pipeline: [a, b\n"
        let path = try manifest(text, in: workspace)
        let report = ManifestDoctor().examine(file: path, apply: true)
        #expect(report.issueCount == 1)
        #expect(report.textLines.first?.hasPrefix("FAIL m.yaml: \(path):2:1: ") == true, "\(report.textLines)")
        #expect(fileBytes(path) == Array(text.utf8))
    }

    @Test("values the text cannot change in place are skipped with a reason; the other fixes are made")
    func refusals() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let text = """
            base: &base {kind: sql_database, tables: [a]}
            pipeline:
              name: |
                old
              destination: ch
              dataset: raw
              dev_mode: no
            source: *base

            """
        let path = try manifest(text, in: workspace)
        let report = ManifestDoctor().examine(file: path, apply: true)
        #expect(report.failure == nil)
        let reasons = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.issue.code, $0.reason) })
        #expect(reasons[.pipelineNameMismatch]?.contains("block scalar") == true)
        #expect(reasons[.sqlKindCanonicalize]?.contains("alias *base") == true)
        #expect(Set(report.applied.map(\.issue.code)) == [.versionMissing, .yaml11Boolean])
        let fixed = String(decoding: fileBytes(path), as: UTF8.self)
        #expect(fixed.hasPrefix("version: 1\nbase: &base {kind: sql_database, tables: [a]}\n"))
        #expect(fixed.contains("  dev_mode: false\n"))
    }

    @Test("the file keeps its permissions and symbolic links stay links")
    func modeAndLinks() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try manifest("pipeline: {name: m, destination: ch, dataset: raw}\n", name: "real", in: workspace)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let link = workspace.path("m.yaml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let report = ManifestDoctor().examine(file: link, apply: true)
        #expect(report.applied.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == path)
        #expect(String(decoding: fileBytes(path), as: UTF8.self).hasPrefix("version: 1\n"))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: workspace.root)) == ["real.yaml", "m.yaml"])
    }

    @Test("an empty file gets `version: 1` and still lacks a pipeline")
    func emptyFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try manifest("# nothing yet\n", in: workspace)
        let report = ManifestDoctor().examine(file: path, apply: true)
        #expect(report.issues.map(\.code) == [.versionMissing, .pipelineMissing])
        #expect(String(decoding: fileBytes(path), as: UTF8.self) == "# nothing yet\nversion: 1\n")
    }

    @Test("a document that is not a mapping is a failure")
    func notMapping() throws {
        #expect(throws: DoctorError.self) { try ManifestDoctor().diagnose(Array("- a\n".utf8), file: "m.yaml") }
    }
}
