import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("dltaf manifest doctor")
struct DoctorCommandTests {
    static let corpus = TestPaths.repoRoot.appendingPathComponent("Tests/Corpus/doctor")

    /// Copies golden inputs into `m/` of the workspace.
    private func copy(_ folder: String, _ names: [String], into workspace: Workspace) throws {
        for name in names {
            let text = try String(
                contentsOf: Self.corpus.appendingPathComponent("\(folder)/\(name).yaml"), encoding: .utf8)
            try workspace.write("m/\(name).yaml", text)
        }
    }

    private let clean = """
        version: 1
        pipeline: {name: clean, destination: clickhouse, dataset: raw}
        source: {kind: customer_export}

        """

    @Test("a clean folder prints OK and exits 0, also with --check")
    func clean() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("dlt_pipelines/manifests/clean.yaml", clean)
        for arguments in [["manifest", "doctor"], ["manifest", "doctor", "--check"]] {
            let output = try await workspace.dltaf(arguments)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "OK   clean.yaml\nDone. Total issues=0, applied_fixes=0\n")
        }
    }

    @Test("--check exits 1 on any issue; without it the doctor reports and exits 0")
    func checkExitCodes() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copy("report", ["sqldb_legacy_catalog_layout"], into: workspace)
        try workspace.write("m/clean.yaml", clean)
        let report = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", "m"])
        #expect(report.status == 0)
        #expect(report.stdout.hasPrefix("OK   clean.yaml\nISSUE sqldb_legacy_catalog_layout.yaml: fixes=0, warnings=1"))
        #expect(report.stdout.contains("  - [WARN] SQLDB_LEGACY_CATALOG_LAYOUT: "))
        #expect(report.stdout.contains("(m/sqldb_legacy_catalog_layout.yaml:10:3)"))
        let check = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", "m", "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.hasSuffix("Done. Total issues=1, applied_fixes=0\n"))
    }

    @Test("--apply rewrites the file as the golden file says and prints what it applied")
    func apply() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copy("fix", ["sql_database"], into: workspace)
        let output = try await workspace.dltaf(["manifest", "doctor", "--manifest", "m/sql_database.yaml", "--apply"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(
            output.stdout.contains("  APPLY: source.kind -> sqldb, source.dialect -> generic, source.mode -> catalog\n")
        )
        #expect(output.stdout.hasSuffix("Done. Total issues=3, applied_fixes=3\n"))
        let expected = try String(
            contentsOf: Self.corpus.appendingPathComponent("fix/sql_database.expected.yaml"), encoding: .utf8)
        #expect(workspace.read("m/sql_database.yaml") == expected)
        let again = try await workspace.dltaf(["manifest", "doctor", "--manifest", "m/sql_database.yaml", "--apply"])
        #expect(!again.stdout.contains("APPLY"))
        #expect(workspace.read("m/sql_database.yaml") == expected)
    }

    @Test("--json: per file issues with level, code, message, line, column, path and fix; applied edits")
    func json() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copy("fix", ["dlt__orders__to__clickhouse__raw"], into: workspace)
        let output = try await workspace.dltaf([
            "manifest", "doctor", "--manifest", "m/dlt__orders__to__clickhouse__raw.yaml", "--apply", "--json",
            "--check",
        ])
        #expect(output.status == 1)
        let document = try output.json()
        #expect(document["total_issues"] == 1)
        #expect(document["applied_fixes"] == 1)
        #expect(document["exit_code"] == 1)
        let file = try #require(document["files"]?.arrayValue?.first)
        #expect(file["name"] == "dlt__orders__to__clickhouse__raw.yaml")
        #expect(file["status"] == "issues")
        let issue = try #require(file["issues"]?.arrayValue?.first)
        #expect(issue["level"] == "FIX")
        #expect(issue["code"] == "PIPELINE_NAME_MISMATCH")
        #expect(issue["line"] == 3)
        #expect(issue["column"] == 9)
        #expect(issue["path"] == "pipeline.name")
        #expect(issue["fix"] == ["path": "pipeline.name", "value": "dlt__orders__to__clickhouse__raw"])
        #expect(issue["message"]?.stringValue?.isEmpty == false)
        let edit = try #require(file["applied"]?.arrayValue?.first?["edits"]?.arrayValue?.first)
        #expect(edit["removed"] == "\"dlt__orders__to__clickhouse__old\"")
        #expect(edit["inserted"] == "\"dlt__orders__to__clickhouse__raw\"")
        #expect(edit["line"] == 3)
    }

    @Test("a file that does not load prints FAIL and counts as an issue")
    func failLine() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m/bad.yaml", "pipeline: [a\n")
        let output = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", "m", "--check"])
        #expect(output.status == 1)
        #expect(output.stdout.hasPrefix("FAIL bad.yaml: m/bad.yaml:2:1: "), "\(output.stdout)")
        #expect(output.stdout.hasSuffix("Done. Total issues=1, applied_fixes=0\n"))
    }

    @Test("--fail-fast stops at the first ERROR")
    func failFast() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copy("report", ["version_unsupported"], into: workspace)
        try workspace.write("m/z_clean.yaml", clean)
        let output = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", "m", "--fail-fast"])
        #expect(output.status == 1)
        #expect(!output.stdout.contains("z_clean.yaml"))
        #expect(output.stdout.hasSuffix("Stopped (--fail-fast). Total issues=1, applied_fixes=0\n"))
    }

    @Test("a template written with --out loads, shows and passes the doctor")
    func template() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let name = "dlt__orders__to__clickhouse__raw"
        let written = try await workspace.dltaf([
            "manifest", "doctor", "--template-kind", "sql_database", "--pipeline-name", name, "--dataset", "raw_dev",
            "--out", "new/\(name).yaml",
        ])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout == "Wrote template: \(workspace.path("new/\(name).yaml"))\n")
        let text = workspace.read("new/\(name).yaml")
        #expect(text.hasPrefix("# NOTE: requested deprecated template-kind `sql_database`"))
        let shown = try await workspace.dltaf(["manifest", "show", "new/\(name).yaml", "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let manifest = try shown.json()
        #expect(manifest["source"]?["kind"] == "sqldb")
        #expect(manifest["pipeline"]?["dataset"] == "raw_dev")
        let doctor = try await workspace.dltaf(["manifest", "doctor", "--manifest", "new/\(name).yaml", "--check"])
        #expect(doctor.status == 0, "\(doctor.stdout)")
        let printed = try await workspace.dltaf([
            "manifest", "doctor", "--template-kind", "mongodb", "--pipeline-name", name,
        ])
        #expect(printed.stdout.hasPrefix("version: 1\npipeline:\n  name: \(name)\n"))
    }

    @Test("--print-sqldb-canonical prints and --write-sqldb-canonical-dir writes the canonical layout")
    func canonical() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copy("report", ["sqldb_legacy_catalog_layout"], into: workspace)
        let output = try await workspace.dltaf([
            "manifest", "doctor", "--manifest", "m/sqldb_legacy_catalog_layout.yaml", "--print-sqldb-canonical",
            "--write-sqldb-canonical-dir", "canonical",
        ])
        #expect(output.status == 0)
        let catalogBlock = "  catalog:\n    schema: public\n    tables:\n      - orders\n"
        #expect(output.stdout.contains("  CANONICAL_SQLDB_BEGIN\n"))
        #expect(output.stdout.contains(catalogBlock + "  CANONICAL_SQLDB_END\n"), "\(output.stdout)")
        #expect(output.stdout.contains("  CANONICAL_SQLDB_WRITE: canonical/sqldb_legacy_catalog_layout.yaml\n"))
        #expect(workspace.read("canonical/sqldb_legacy_catalog_layout.yaml").hasSuffix(catalogBlock))
    }

    @Test("usage errors exit 2 with a message")
    func usageErrors() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let cases: [([String], String)] = [
            (["--template-kind", "sqldb_query"], "--pipeline-name is required"),
            (["--template-kind", "csv", "--pipeline-name", "x"], "unknown template kind 'csv'"),
            ([], "manifests folder not found: dlt_pipelines/manifests"),
            (["--manifests-dir", "."], "no manifests (*.yaml) found in ."),
        ]
        for (arguments, message) in cases {
            let output = try await workspace.dltaf(["manifest", "doctor"] + arguments)
            #expect(output.status == 2, "\(arguments)")
            #expect(output.stderr.contains(message), "\(output.stderr)")
        }
    }

    @Test("--help teaches: examples and exit codes")
    func help() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let output = try await workspace.dltaf(["manifest", "doctor", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Examples:"))
        #expect(output.stdout.contains("Exit codes:"))
        #expect(output.stdout.contains("--template-kind"))
    }
}
