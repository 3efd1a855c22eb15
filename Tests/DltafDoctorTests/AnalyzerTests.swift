import DltafDoctor
import DltafJSON
import DltafManifest
import Testing

@Suite("doctor analysis")
struct AnalyzerTests {
    private func codes(_ text: String, file: String = "m.yaml", doctor: ManifestDoctor = ManifestDoctor()) throws
        -> [DoctorCode]
    {
        try doctor.diagnose(Array(text.utf8), file: file).issues.map(\.code)
    }

    @Test("the boolean paths are injected: a custom predicate flags its own keys")
    func injectedBooleanPaths() throws {
        let text = "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\nsource: {kind: k, strict: yes}\n"
        #expect(try codes(text).isEmpty)
        let custom = BooleanPaths(dotted: ["source.strict"])
        let doctor = ManifestDoctor(analyzer: ManifestAnalyzer(isBooleanPath: { custom.contains($0) }))
        #expect(try codes(text, doctor: doctor) == [.yaml11Boolean])
    }

    @Test("`*` in a pattern stands for any key or list item")
    func wildcards() {
        let paths = BooleanPaths(patterns: [["source", "schemas", "*", "enabled"], ["items", "*"]])
        #expect(paths.contains(["source", "schemas", "sales", "enabled"]))
        #expect(paths.contains(ManifestPath([.key("items"), .index(3)])))
        #expect(!paths.contains(["source", "schemas", "enabled"]))
    }

    @Test("only plain, untagged YAML 1.1 words are booleans to fix")
    func yaml11Words() throws {
        let base = "version: 1\npipeline: {name: m, destination: ch, dataset: raw, dev_mode: "
        for word in ["yes", "No", "ON", "off", "y", "N"] {
            #expect(try codes(base + word + "}\n") == [.yaml11Boolean], "\(word)")
        }
        for word in ["'no'", "\"yes\"", "!!str no", "true", "nope", "1"] {
            #expect(try codes(base + word + "}\n").isEmpty, "\(word)")
        }
    }

    @Test("names follow Python's str(value or '').strip()")
    func pythonTruthiness() throws {
        let base = "version: 1\npipeline: {destination: ch, dataset: raw, name: "
        #expect(try codes(base + "~}\n") == [.pipelineNameMissing])
        #expect(try codes(base + "'  '}\n") == [.pipelineNameMissing])
        #expect(try codes(base + "0}\n") == [.pipelineNameMissing])
        #expect(try codes(base + "' m '}\n").isEmpty)
        #expect(try codes(base + "12}\n", file: "12.yaml").isEmpty)
    }

    @Test("PIPELINE_MISSING stops the Python checks but not the boolean check")
    func pipelineMissingStops() throws {
        let text = "airflow: {dag_id: x, catchup: no}\nsource: {kind: oracle}\n"
        #expect(try codes(text) == [.versionMissing, .pipelineMissing, .yaml11Boolean])
    }

    @Test("version 1.0 is accepted as Python compares 1.0 == 1; other versions are errors")
    func versions() throws {
        let tail = "pipeline: {name: m, destination: ch, dataset: raw}\n"
        #expect(try codes("version: 1.0\n" + tail).isEmpty)
        #expect(try codes("version: 2\n" + tail) == [.versionUnsupported])
        #expect(try codes("version: '1'\n" + tail) == [.versionUnsupported])
        #expect(try codes("version:\n" + tail) == [.versionMissing])
    }

    @Test("the expected name is the file stem, as Python's Path.stem")
    func stems() {
        #expect(ManifestDoctor.stem(of: "/a/b/dlt__x.yaml") == "dlt__x")
        #expect(ManifestDoctor.stem(of: "a.b.yaml") == "a.b")
        #expect(ManifestDoctor.stem(of: ".hidden") == ".hidden")
    }

    @Test("issue lines carry file:line:column; --json carries level, code, line, column, path and fix")
    func output() throws {
        let text = "version: 1\npipeline:\n  name: other\n  destination: ch\n  dataset: raw\n"
        var report = DoctorFileReport(file: "dir/m.yaml")
        report.issues = try ManifestDoctor().diagnose(Array(text.utf8), file: "dir/m.yaml").issues
        #expect(
            report.textLines == [
                "ISSUE m.yaml: fixes=1, warnings=0, errors=0",
                "  - [FIX] PIPELINE_NAME_MISMATCH: `pipeline.name` must match the manifest's file name. "
                    + "Now: 'other', expected: 'm' (dir/m.yaml:3:9)",
            ])
        let issue = try #require(report.json["issues"]?.arrayValue?.first)
        #expect(issue["level"] == "FIX")
        #expect(issue["line"] == 3)
        #expect(issue["column"] == 9)
        #expect(issue["path"] == "pipeline.name")
        #expect(issue["fix"]?["value"] == "m")
        #expect(report.json["status"] == "issues")
    }
}
