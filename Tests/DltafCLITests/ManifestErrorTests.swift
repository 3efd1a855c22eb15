import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("bad manifests give located errors and exit 2")
struct ManifestErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        var expected: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "duplicate key", yaml: "version: 1\nversion: 1\n", expected: "m.yaml:2:1: error: duplicate key"),
        Case(name: "syntax", yaml: "version: 1\npipeline: [a, b\n", expected: "m.yaml:3:1: error:"),
        Case(name: "undefined alias", yaml: "version: 1\npipeline: *nope\n", expected: "m.yaml:2:11: error:"),
        Case(name: "two documents", yaml: "version: 1\n---\nversion: 1\n", expected: "m.yaml:2:1: error:"),
        Case(name: "unknown tag", yaml: "version: !custom 1\n", expected: "m.yaml:1:10: error:"),
        Case(
            name: "unknown top-level key",
            yaml: "version: 1\npipline: {}\n",
            expected: "m.yaml:2:1: error: unknown key \"pipline\" in the manifest (did you mean \"pipeline\"?)"),
        Case(
            name: "wrong version",
            yaml: "version: 2\npipeline: {name: a, destination: b, dataset: c}\nsource: {kind: k}\n",
            expected: "m.yaml:1:10: error: unsupported manifest version 2; expected 1 [at version]"),
        Case(
            name: "missing source.kind",
            yaml: "version: 1\npipeline: {name: a, destination: b, dataset: c}\nsource: {path: x}\n",
            expected: "m.yaml:3:1: error: missing required key \"source.kind\" (a non-empty string) [at source.kind]"),
        Case(
            name: "bad observability verbosity",
            yaml:
                "version: 1\npipeline: {name: a, destination: b, dataset: c}\nsource: {kind: k}\nrun:\n  observability: {verbosity: verbos}\n",
            expected:
                "m.yaml:5:30: error: run.observability.verbosity must be one of compact, verbose, got \"verbos\" (a string) (did you mean \"verbose\"?)"
        ),
        Case(
            name: "deep nesting", yaml: "version: 1\nx: " + String(repeating: "[", count: 100_000) + "\n",
            expected: "m.yaml:2:"),
        Case(
            name: "billion laughs",
            yaml: "a: &a [x, x, x, x, x, x, x, x, x]\n"
                + (1..<9).map {
                    "l\($0): &l\($0) ["
                        + Array(repeating: $0 == 1 ? "*a" : "*l\($0 - 1)", count: 9).joined(separator: ", ") + "]"
                }
                .joined(separator: "\n") + "\n",
            expected: "m.yaml:"),
    ]

    @Test("each bad manifest names file:line:column", arguments: cases)
    func located(_ testCase: Case) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", testCase.yaml)
        let output = try await workspace.dltaf(["exec", "m.yaml"], timeout: 20)
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.contains(testCase.expected), "stderr: \(output.stderr)")
        #expect(output.seconds < 15)  // Liveness: hostile YAML fails fast instead of expanding.
    }

    @Test("--json puts every finding in error.diagnostics with line, column and path")
    func jsonDiagnostics() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", "version: 1\npipeline:\n  name: 5\nsource: {kind: k}\nextra: 1\n")
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 2)
        let diagnostics = try output.json()["error"]?["diagnostics"]?.arrayValue ?? []
        let summary = diagnostics.map {
            "\($0["line"]?.intValue ?? 0):\($0["column"]?.intValue ?? 0) \($0["path"]?.stringValue ?? "")"
        }
        #expect(summary.contains("5:1 extra"))
        #expect(summary.contains("3:9 pipeline.name"))
        #expect(summary.contains("2:1 pipeline.destination"))
        #expect(summary.contains("2:1 pipeline.dataset"))
    }

    @Test("a manifest too large is refused before parsing")
    func sizeCap() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", "version: 1\nx: \"" + String(repeating: "a", count: 2 << 20) + "\"\n")
        let output = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("manifests are limited to 1048576"))
    }

    @Test("manifest show prints the templated manifest with overrides, without metadata keys")
    func show() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            "version: 1\ncatalog: {owner: x}\npipeline: {name: \"${ENV:NAME|fallback}\"}\nsource: {kind: k, country: no}\n"
        )
        let json = try await workspace.dltaf(
            ["manifest", "show", "m.yaml", "--format", "json", "--set", "source.limit=10"], environment: ["NAME": "set"]
        )
        #expect(json.status == 0, "\(json.stderr)")
        #expect(
            try json.json()
                == [
                    "version": 1, "pipeline": ["name": "set"], "source": ["kind": "k", "country": "no", "limit": 10],
                ])
        let yaml = try await workspace.dltaf(["manifest", "show", "m.yaml"])
        #expect(yaml.stdout.contains("name: fallback"))
        #expect(yaml.stdout.contains("country: \"no\""))
        #expect(!yaml.stdout.contains("catalog"))
    }
}
