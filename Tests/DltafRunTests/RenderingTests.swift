import DltafJSON
import DltafManifest
import Testing

@testable import DltafLint
@testable import DltafRun

@Suite("rendering helpers the CLI prints")
struct RenderingTests {
    @Test("DocumentFormat: words, the format a path implies, and rendering")
    func documentFormat() {
        #expect(DocumentFormat(word: "JSON") == .json)
        #expect(DocumentFormat(word: "yml") == .yaml)
        #expect(DocumentFormat(word: "toml") == nil)
        #expect(DocumentFormat(path: "plans/p.YML") == .yaml)
        #expect(DocumentFormat(path: "p.json") == .json)
        #expect(DocumentFormat(path: nil) == .json)
        let value: JSONValue = ["b": 1, "a": ["x"]]
        #expect(DocumentFormat.json.render(value) == JSONWriter(style: .pretty).string(value))
        #expect(DocumentFormat.yaml.render(value) == YAMLRenderer.render(value))
    }

    @Test("TextTable pads every column but the last")
    func table() {
        #expect(TextTable.render([["A", "BB", "C"], ["long", "x", "tail"]]) == "A     BB  C\nlong  x   tail")
        #expect(TextTable.render([]) == "")
    }

    @Test("LintReport lines: OK and FAIL with the first error, findings indented and redacted; quiet keeps failures")
    func lintLines() {
        let error = ManifestDiagnostic(
            code: "x", message: "bad token s3cret", file: "/m/b.yaml", mark: nil, path: nil)
        let warning = ManifestDiagnostic(
            severity: .warning, code: "w", message: "odd", file: "/m/a.yaml", mark: nil, path: nil)
        let report = LintReport(items: [
            LintItem(file: "/m/a.yaml", pipeline: nil, findings: [warning]),
            LintItem(file: "/m/b.yaml", pipeline: nil, findings: [error]),
        ])
        let redactor = Redactor(secrets: ["s3cret"])
        let lines = report.lines(redactor: redactor, quiet: false)
        #expect(lines.count == 4)
        #expect(lines[0] == "OK   a.yaml")
        #expect(lines[1] == "  " + warning.description)
        #expect(lines[2].hasPrefix("FAIL b.yaml: bad token "))
        #expect(!lines.joined().contains("s3cret"))
        #expect(report.lines(redactor: redactor, quiet: true).first?.hasPrefix("FAIL b.yaml") == true)
        #expect(report.lines(redactor: redactor, quiet: true).count == 2)
        #expect(report.summary(elapsed: .milliseconds(12)) == "2 manifests: 1 passed, 1 failed (12 ms)")
    }

    @Test("infra-checks list: the table of rows and one line per plugin result")
    func infraCheckListing() {
        let rows = [
            InfraCheckRow(
                name: "tcp", origin: "builtin", applies: true, reason: nil, selected: false, description: "port"),
            InfraCheckRow(
                name: "db", origin: "plugin:acme", applies: false, reason: nil, selected: true, description: nil),
        ]
        let expected = [
            "NAME  ORIGIN       APPLIES  SELECTED  DESCRIPTION",
            "tcp   builtin      yes      no        port",
            "db    plugin:acme  no       yes       ",  // The last column is not padded, but may be empty.
        ]
        #expect(InfraCheckRow.table(rows) == expected.joined(separator: "\n"))
        let plugins: JSONValue = [
            "results": [
                ["plugin": "acme", "ok": true, "registered": ["db", "queue"]], ["plugin": "bad", "ok": false],
            ]
        ]
        #expect(InfraCheckRow.pluginLines(plugins) == ["plugin acme: db, queue", "plugin bad: failed"])
        #expect(InfraCheckRow.pluginLines([:]).isEmpty)
    }
}
