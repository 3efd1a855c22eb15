import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// The lint corpus: Tests/Corpus/lint/{ok,fail}_*.yaml, named by dltaf's verdict; differences.json lists the
/// files where the Python dltaf 0.2.16 decides otherwise, and why.
private enum Corpus {
    static let folder = TestPaths.repoRoot.appendingPathComponent("Tests/Corpus/lint").path

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { ($0.hasPrefix("ok_") || $0.hasPrefix("fail_")) && $0.hasSuffix(".yaml") }.sorted()
    }

    static var differences: Set<String> {
        guard let data = FileManager.default.contents(atPath: folder + "/differences.json"),
            let object = try? JSONParser.parse(String(decoding: data, as: UTF8.self)).objectValue
        else { return [] }
        return Set(object.keys)
    }

    /// `OK`/`FAIL` per file name from `OK   name` / `FAIL name: ...` lines (both CLIs print them).
    static func verdicts(_ output: String) -> [String: Bool] {
        var verdicts: [String: Bool] = [:]
        for line in output.split(separator: "\n") {
            if line.hasPrefix("OK   ") {
                verdicts[String(line.dropFirst(5))] = true
            } else if line.hasPrefix("FAIL "), let colon = line.firstIndex(of: ":") {
                verdicts[String(line[line.index(line.startIndex, offsetBy: 5)..<colon])] = false
            }
        }
        return verdicts
    }
}

@Suite("manifest lint")
struct LintCommandTests {
    private func lint(_ workspace: Workspace, _ arguments: [String]) async throws -> ProcessOutput {
        try await workspace.dltaf(["manifest", "lint"] + arguments)
    }

    @Test func corpusVerdictsMatchTheirNames() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let arguments = Corpus.files.flatMap { ["--manifest", Corpus.folder + "/" + $0] }
        let output = try await lint(workspace, arguments + ["--allow-filename-mismatch"])
        let verdicts = Corpus.verdicts(output.stdout)
        #expect(Corpus.files.count >= 60)
        for file in Corpus.files {
            #expect(verdicts[file] == file.hasPrefix("ok_"), "\(file): \(output.stdout)")
        }
        #expect(output.status == 1)
    }

    @Test func pythonDltafGivesTheSameVerdictsExceptTheListedFlaws() async throws {
        let reference = try #require(ReferenceDltaf.cli, Comment(rawValue: ReferenceDltaf.missing))
        let arguments = Corpus.files.flatMap { ["--manifest", Corpus.folder + "/" + $0] }
        let output = try await runProcess(
            reference, ["manifest", "lint", "--allow-filename-mismatch"] + arguments, timeout: 120)
        let verdicts = Corpus.verdicts(output.stdout)
        let differences = Corpus.differences
        #expect(!differences.isEmpty)
        for file in Corpus.files {
            let ours = file.hasPrefix("ok_")
            let expected = differences.contains(file) ? !ours : ours
            #expect(verdicts[file] == expected, "Python dltaf on \(file): \(output.stdout)")
        }
    }

    @Test func pythonExamplesGetThePythonVerdicts() async throws {
        let examples = try #require(ReferenceDltaf.examplesDirectory, Comment(rawValue: ReferenceDltaf.missing))
        let reference = try #require(ReferenceDltaf.cli)
        let names = try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(names.count == 6)
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copyExamples(from: examples, into: workspace)
        for extra in [["--allow-filename-mismatch"], []] {
            let arguments = ["--manifests-dir", workspace.path("examples/manifests")] + extra
            let ours = Corpus.verdicts(try await lint(workspace, arguments).stdout)
            let theirs = Corpus.verdicts(
                try await runProcess(reference, ["manifest", "lint"] + arguments, timeout: 120).stdout)
            #expect(ours.count == 6)
            #expect(ours == theirs)
            #expect(ours.values.allSatisfy { $0 == !extra.isEmpty })
        }
    }

    /// The examples as the wheel ships them: the query examples name ../sql/oracle_smoke_query.sql.
    private func copyExamples(from examples: String, into workspace: Workspace) throws {
        let root = (examples as NSString).deletingLastPathComponent
        for folder in ["manifests", "sql"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)
            where name.hasSuffix(".yaml") || name.hasSuffix(".sql") {
                let text = try String(contentsOfFile: "\(root)/\(folder)/\(name)", encoding: .utf8)
                try workspace.write("examples/\(folder)/\(name)", text)
            }
        }
    }

    @Test func doctorMigratesThePythonExamplesToManifestsBothLintsAccept() async throws {
        let examples = try #require(ReferenceDltaf.examplesDirectory, Comment(rawValue: ReferenceDltaf.missing))
        let reference = try #require(ReferenceDltaf.cli)
        let workspace = try Workspace()
        defer { workspace.remove() }
        try copyExamples(from: examples, into: workspace)
        let folder = workspace.path("examples/manifests")
        let applied = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", folder, "--apply"])
        #expect(applied.status == 0, "\(applied.stdout)")
        // Legacy kinds became sqldb; the file names are not pipeline names, so the names were kept (a warning).
        #expect(applied.stdout.contains("APPLY: source.kind -> sqldb"))
        #expect(applied.stdout.components(separatedBy: "FILE_NAME_NOT_PIPELINE_NAME").count - 1 == 6)
        #expect(!workspace.read("examples/manifests/smoke_sql_database_catalog.yaml").contains("kind: sql_database"))
        let arguments = ["--manifests-dir", folder, "--allow-filename-mismatch"]
        let ours = Corpus.verdicts(try await lint(workspace, arguments).stdout)
        let theirs = Corpus.verdicts(
            try await runProcess(reference, ["manifest", "lint"] + arguments, timeout: 120).stdout)
        #expect(ours.count == 6 && ours.values.allSatisfy { $0 }, "\(ours)")
        #expect(theirs == ours)
        let again = try await workspace.dltaf(["manifest", "doctor", "--manifests-dir", folder, "--json"]).json()
        let fixes = (again["files"]?.arrayValue ?? []).flatMap { $0["issues"]?.arrayValue ?? [] }
            .filter { $0["level"] == "FIX" }
        #expect(fixes.isEmpty)
    }

    @Test func publishedSchemaAcceptsEveryManifestLintAccepts() async throws {
        let python = try #require(ReferenceDltaf.python, Comment(rawValue: ReferenceDltaf.missing))
        let workspace = try Workspace()
        defer { workspace.remove() }
        for (flag, name) in [([], "strict"), (["--lenient"], "lenient")] {
            let written = try await workspace.dltaf(
                ["manifest", "schema", "--out", workspace.path("\(name).json")] + flag)
            #expect(written.status == 0, "\(written.stderr)")
        }
        var accepted: [String] = []
        for file in Corpus.files where file.hasPrefix("ok_") { accepted.append(Corpus.folder + "/" + file) }
        if let examples = ReferenceDltaf.examplesDirectory {
            for name in try FileManager.default.contentsOfDirectory(atPath: examples) where name.hasSuffix(".yaml") {
                accepted.append(examples + "/" + name)
            }
        }
        // Each manifest as lint reads it (templated, catalog removed), as JSON.
        for (index, file) in accepted.enumerated() {
            let shown = try await workspace.dltaf(["manifest", "show", file, "--format", "json"])
            #expect(shown.status == 0, "\(file): \(shown.stderr)")
            try workspace.write("shown/\(index).json", shown.stdout)
        }
        // And a manifest lint rejects for an unknown key, which the strict schema must reject too.
        try workspace.write(
            "shown/reject.json",
            #"{"version": 1, "pipeline": {"name": "a__b", "destination": "d", "dataset": "r"}, "source": {"kind": "k"}, "schedule": 1}"#
        )
        let script = """
            import glob, json, sys, jsonschema
            for name in ("strict", "lenient"):
                schema = json.load(open(name + ".json"))
                jsonschema.Draft202012Validator.check_schema(schema)
                validator = jsonschema.Draft202012Validator(schema)
                for path in sorted(glob.glob("shown/*.json")):
                    errors = [e.message for e in validator.iter_errors(json.load(open(path)))]
                    print(name, path, "REJECT" if errors else "ACCEPT", errors[:2])
            """
        try workspace.write("check.py", script)
        let result = try await runProcess(python, [workspace.path("check.py")], directory: workspace.root)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 * (accepted.count + 1))
        for line in lines where !line.contains("reject.json") {
            #expect(line.contains(" ACCEPT "), "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("strict shown/reject.json REJECT") })
        #expect(lines.contains { $0.hasPrefix("lenient shown/reject.json ACCEPT") })
    }

    @Test func folderLintFindsCyclesMissingTargetsAndDuplicates() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        func manifest(_ name: String, dependsOn: String) -> String {
            "version: 1\npipeline: {name: \(name), destination: clickhouse, dataset: raw}\n"
                + "source: {kind: mongodb, database: app}\ndepends_on: \(dependsOn)\n"
        }
        let a = "dlt__a__to__clickhouse__raw"
        let b = "dlt__b__to__clickhouse__raw"
        let c = "dlt__c__to__clickhouse__raw"
        try workspace.write("m/\(a).yaml", manifest(a, dependsOn: "[\(b)]"))
        try workspace.write("m/\(b).yaml", manifest(b, dependsOn: "[{path: \(c).yaml}]"))
        try workspace.write("m/\(c).yaml", manifest(c, dependsOn: "[\(a), dlt__gone__to__clickhouse__raw]"))
        let output = try await lint(workspace, ["--manifests-dir", workspace.path("m")])
        #expect(output.status == 1)
        let cycle = "depends_on cycle: \(a) -> \(b) -> \(c) -> \(a)"
        #expect(output.stdout.components(separatedBy: "error: " + cycle).count - 1 == 3, "\(output.stdout)")
        #expect(output.stdout.contains("\(c).yaml:4:"))
        #expect(
            output.stdout.contains("depends_on names pipeline \"dlt__gone__to__clickhouse__raw\", which no manifest"))

        // --json carries the same findings with their positions.
        let json = try await lint(workspace, ["--manifests-dir", workspace.path("m"), "--json"]).json()
        #expect(json["ok"] == false)
        #expect(json["failed"] == 3)
        let first = try #require(json["manifests"]?[0]?["errors"]?[0])
        #expect(first["code"] == "lint.depends_on_cycle")
        #expect(first["line"] == 4)
        #expect(first["path"] == "depends_on[0]")
    }

    @Test func namingRulesAndFailFast() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let good =
            "version: 1\npipeline: {name: dlt__a__to__clickhouse__raw, destination: clickhouse, dataset: raw}\n"
            + "source: {kind: mongodb, database: app}\nairflow: {dag_id: other, schedule: '@daily', start_date: '2025-01-01'}\n"
        try workspace.write("m/1_wrong_file.yaml", good)
        try workspace.write(
            "m/2_second.yaml",
            good.replacingOccurrences(of: "name: dlt__a__to__clickhouse__raw", with: "name: nounderscores"))
        let output = try await lint(workspace, ["m"])
        #expect(output.status == 1)
        #expect(output.stdout.contains("FAIL 1_wrong_file.yaml: pipeline.name must match the manifest file name"))
        #expect(
            output.stdout.contains(
                "airflow.dag_id must match pipeline.name: expected \"dlt__a__to__clickhouse__raw\", got \"other\""))
        #expect(output.stdout.contains("must contain \"__\" separators"))
        let fast = try await lint(workspace, ["m", "--fail-fast"])
        #expect(fast.status == 1)
        #expect(fast.stdout.contains("1_wrong_file.yaml"))
        #expect(!fast.stdout.contains("2_second.yaml"))
    }

    @Test func pluginRunnerValidatesItsKindAndUnknownKindsFail() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("dlt__acme__to__test__raw.yaml", Fixtures.manifest(source: "rows: many"))
        let rejected = try await lint(workspace, ["dlt__acme__to__test__raw.yaml"])
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("source.rows must be an integer"), "\(rejected.stdout)")
        try workspace.write("dlt__acme__to__test__raw.yaml", Fixtures.manifest(source: "rows: 3"))
        let accepted = try await lint(workspace, ["dlt__acme__to__test__raw.yaml"])
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(workspace.read("calls.log").contains("runner:validate"))
        try workspace.write(
            "dlt__x__to__test__raw.yaml",
            "version: 1\npipeline: {name: dlt__x__to__test__raw, destination: test, dataset: raw}\nsource: {kind: acme}\n"
        )
        let unknown = try await lint(workspace, ["dlt__x__to__test__raw.yaml"])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("no runner for source.kind \"acme\""), "\(unknown.stdout)")
    }

    @Test func everyFindingComesInOnePass() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        // A file name that does not match the pipeline, and a source the runner rejects: both at once.
        try workspace.write("wrong_name.yaml", Fixtures.manifest(source: "rows: many"))
        let output = try await lint(workspace, ["wrong_name.yaml"])
        #expect(output.status == 1)
        #expect(output.stdout.contains("source.rows must be an integer"), "\(output.stdout)")
        #expect(output.stdout.contains("wrong_name"), "\(output.stdout)")
    }

    @Test func onePluginProcessServesEveryManifestOfItsKind() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner",
            body: """
                @plugin.validator("acme")
                def validate(call):
                    with open(os.path.join(call.context["manifest_dir"], "pids.log"), "a") as log:
                        log.write(str(os.getpid()) + "\\n")
                    rows = call.manifest["source"].get("rows", 0)
                    return [] if isinstance(rows, int) else [{"severity": "error", "message": "rows must be an integer", "path": "/source/rows"}]

                @plugin.runner("acme")
                def run(call):
                    return {"status": "success"}
                """)
        for index in 0..<6 {
            let name = "dlt__acme\(index)__to__test__raw"
            try workspace.write(
                "m/\(name).yaml",
                "version: 1\npipeline: {name: \(name), destination: test, dataset: raw}\n"
                    + "source: {kind: acme, rows: \(index == 3 ? "many" : "1")}\nrun: {runners: {plugins: [acme.runner]}}\n"
            )
        }
        let output = try await lint(workspace, ["--manifests-dir", "m"])
        #expect(output.status == 1)
        #expect(Corpus.verdicts(output.stdout).values.filter { !$0 }.count == 1, "\(output.stdout)")
        #expect(output.stdout.contains("m/dlt__acme3__to__test__raw.yaml:3:"))
        #expect(output.stdout.contains("rows must be an integer [at source.rows]"))
        let pids = workspace.read("m/pids.log").split(separator: "\n")
        #expect(pids.count == 6)
        #expect(Set(pids).count == 1, "one plugin process for the six manifests: \(pids)")
    }

    @Test func findingsNeverQuoteASecret() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let secret = "Sup3r-S3cret-Value"
        try workspace.write(
            "dlt__a__to__clickhouse__raw.yaml",
            """
            version: 1
            pipeline: {name: dlt__a__to__clickhouse__raw, destination: clickhouse, dataset: raw, dev_mode: "\(secret)"}
            source: {kind: mongodb, database: app}
            connections:
              source: {kind: mongodb, overrides: {password: "\(secret)"}}

            """)
        for json in [false, true] {
            let output = try await lint(workspace, ["dlt__a__to__clickhouse__raw.yaml"] + (json ? ["--json"] : []))
            #expect(output.status == 1)
            #expect(output.stdout.contains("pipeline.dev_mode must be a boolean"))
            #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
        }
    }

    @Test func jsonReportKeepsItsCountsAsNumbers() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let name = "dlt__a__to__clickhouse__raw"
        try workspace.write(
            "m/\(name).yaml",
            "version: 1\npipeline: {name: \(name), destination: clickhouse, dataset: raw}\n"
                + "source: {kind: mongodb, database: app}\n")
        let output = try await lint(workspace, ["m", "--json"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let json = try output.json()
        #expect(json["passed"] == 1, "passed is a count, not a secret: \(output.stdout)")
        #expect(json["checked"] == 1)
        #expect(!output.stdout.contains("***redacted***"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let missing = try await lint(workspace, ["--manifests-dir", "nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("manifests folder not found"))
        try FileManager.default.createDirectory(atPath: workspace.path("empty"), withIntermediateDirectories: true)
        let empty = try await lint(workspace, ["--manifests-dir", "empty"])
        #expect(empty.status == 2)
    }
}
