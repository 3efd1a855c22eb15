import DltafJSON
import DltafManifest
import DltafYAML
import Foundation
import Testing

/// A finding reduced to what the tests compare.
private struct Finding: Equatable, CustomStringConvertible {
    var code: String
    var line: Int?
    var column: Int?
    var path: ManifestPath?

    init(_ code: String, _ line: Int?, _ column: Int?, _ path: ManifestPath?) {
        self.code = code
        self.line = line
        self.column = column
        self.path = path
    }

    init(_ diagnostic: ManifestDiagnostic) {
        self.init(diagnostic.code, diagnostic.mark?.line, diagnostic.mark?.column, diagnostic.path)
    }

    var description: String { "\(code) at \(line ?? 0):\(column ?? 0) [\(path?.description ?? "-")]" }
}

private func validate(_ text: String) throws -> [ManifestDiagnostic] {
    ManifestValidator.validate(try parseManifest(text))
}

private func findings(_ text: String) throws -> [Finding] {
    try validate(text).map(Finding.init)
}

@Suite("ManifestValidator")
struct ManifestValidatorTests {
    @Test func minimalManifestIsValid() throws {
        #expect(try validate(minimalManifest).isEmpty)
    }

    @Test func fullValidManifestIsValid() throws {
        let text =
            minimalManifest + """
                run:
                  write_disposition: merge
                  hooks:
                    enable: [log]
                    disable: metrics
                    plugins:
                      - ./hooks/custom
                    config:
                      log: {level: debug}
                      metrics: ~
                  online_checks:
                    only: [tcp]
                  runners:
                    plugins: internal.runner
                connections: {}
                airflow: {dag_id: dlt__orders__to__duckdb__raw, schedule: "@daily", start_date: "2025-01-01"}
                depends_on: [other]
                task_group: ingest

                """
        #expect(try validate(text).isEmpty)
    }

    @Test func missingVersion() throws {
        let text = minimalManifest.replacingOccurrences(of: "version: 1\n", with: "")
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding("manifest.version_missing", 1, 1, .root)])
        #expect(result.first?.message.contains("version: 1") == true)
        // The Python dltaf reads a missing version as 1; the doctor adds it.
        #expect(result.first?.severity == .warning)
    }

    @Test(arguments: [("2", 1, 10), ("\"2\"", 1, 10), ("one", 1, 10), ("1.5", 1, 10), ("[1]", 1, 10)])
    func unsupportedVersion(written: String, line: Int, column: Int) throws {
        let text = minimalManifest.replacingOccurrences(of: "version: 1", with: "version: \(written)")
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding("manifest.version_unsupported", line, column, ["version"])])
        #expect(result.first?.message.contains("expected 1") == true)
    }

    @Test(arguments: ["1", "\"1\"", "1.0"])
    func acceptedVersions(written: String) throws {
        let text = minimalManifest.replacingOccurrences(of: "version: 1", with: "version: \(written)")
        #expect(try validate(text).isEmpty)
    }

    @Test func unknownTopLevelKeyWithSuggestion() throws {
        let text = """
            version: 1
            pipline:
              name: orders
            source:
              kind: sql

            """
        let result = try validate(text)
        #expect(
            result.map(Finding.init) == [
                Finding("manifest.unknown_key", 2, 1, ["pipline"]),
                Finding("manifest.missing_key", 1, 1, ["pipeline"]),
            ])
        let message = try #require(result.first?.message)
        #expect(message.contains("unknown key \"pipline\" in the manifest"))
        #expect(message.contains("(did you mean \"pipeline\"?)"))
        #expect(message.contains("expected one of: version, pipeline, source"))
    }

    @Test func unknownKeyFarFromAnyNameHasNoSuggestion() throws {
        let result = try validate(minimalManifest + "zzzzzz: 1\n")
        #expect(result.map(Finding.init) == [Finding("manifest.unknown_key", 8, 1, ["zzzzzz"])])
        #expect(result.first?.message.contains("did you mean") == false)
    }

    @Test func unknownKeysInsideSectionsAreLocatedOnTheKey() throws {
        let text =
            minimalManifest + """
                run:
                  hooks:
                    enabel: [log]

                """
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding("manifest.unknown_key", 10, 5, ["run", "hooks", "enabel"])])
        #expect(result.first?.message.contains("(did you mean \"enable\"?)") == true)
        #expect(result.first?.message.contains("in run.hooks") == true)
    }

    @Test func missingPipelineName() throws {
        let text = minimalManifest.replacingOccurrences(of: "  name: dlt__orders__to__duckdb__raw\n", with: "")
        let result = try validate(text)
        // Reported at the key of the mapping that should hold it, with the missing key's own path.
        #expect(result.map(Finding.init) == [Finding("manifest.missing_key", 2, 1, ["pipeline", "name"])])
        #expect(result.first?.message.contains("\"pipeline.name\"") == true)
    }

    @Test(
        arguments: [
            ("name: 5", "manifest.type", 3, 9, ["pipeline", "name"], "pipeline.name must be a string, got 5"),
            ("name: [a]", "manifest.type", 3, 9, ["pipeline", "name"], "pipeline.name must be a string, got a list"),
            ("name: \"\"", "manifest.empty_value", 3, 9, ["pipeline", "name"], "pipeline.name must not be empty"),
            ("name: ~", "manifest.missing_key", 2, 1, ["pipeline", "name"], "missing required key \"pipeline.name\""),
        ] as [(String, String, Int, Int, ManifestPath, String)])
    func badPipelineName(
        written: String, code: String, line: Int, column: Int, path: ManifestPath, message: String
    ) throws {
        let text = minimalManifest.replacingOccurrences(of: "name: dlt__orders__to__duckdb__raw", with: written)
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding(code, line, column, path)])
        #expect(result.first?.message.hasPrefix(message) == true, "\(result)")
    }

    @Test func sectionOfTheWrongType() throws {
        let text = "version: 1\npipeline: [a, b]\nsource: text\n"
        let result = try validate(text)
        #expect(
            result.map(Finding.init) == [
                Finding("manifest.type", 2, 11, ["pipeline"]),
                Finding("manifest.type", 3, 9, ["source"]),
            ])
        #expect(
            result.map(\.message) == [
                "pipeline must be a mapping, got a list", "source must be a mapping, got a string",
            ])
    }

    @Test func missingSections() throws {
        let result = try validate("version: 1\n")
        #expect(
            result.map(Finding.init) == [
                Finding("manifest.missing_key", 1, 1, ["pipeline"]),
                Finding("manifest.missing_key", 1, 1, ["source"]),
            ])
    }

    @Test func badWriteDispositionWithSuggestion() throws {
        let result = try validate(minimalManifest + "run:\n  write_disposition: apend\n")
        // A warning, as in the Python dltaf (which accepts any string): a runner may know more dispositions.
        #expect(
            result.map(Finding.init) == [Finding("manifest.write_disposition", 9, 22, ["run", "write_disposition"])])
        #expect(result.first?.severity == .warning)
        let message = try #require(result.first?.message)
        #expect(message.contains("is not one of replace, append, merge"))
        #expect(message.contains("(did you mean \"append\"?)"))
    }

    @Test func nonStringWriteDispositionIsInvalid() throws {
        let result = try validate(minimalManifest + "run:\n  write_disposition: 3\n")
        #expect(result.map(Finding.init) == [Finding("manifest.type", 9, 22, ["run", "write_disposition"])])
        #expect(result.first?.message.contains("got 3") == true)
    }

    @Test(arguments: ["enable", "disable"])
    func onlyCombinedWithEnableOrDisable(other: String) throws {
        let text =
            minimalManifest + """
                run:
                  online_checks:
                    \(other): [a]
                    only: [b]

                """
        let result = try validate(text)
        #expect(
            result.map(Finding.init) == [
                Finding("manifest.selection_conflict", 11, 5, ["run", "online_checks", "only"])
            ])
        #expect(result.first?.message == "run.online_checks.only cannot be combined with enable or disable")
    }

    @Test func nonStringListItems() throws {
        let text =
            minimalManifest + """
                run:
                  hooks:
                    enable: [a, 3, b, {x: 1}]
                    plugins:
                      - ok
                      - [nested]

                """
        let result = try validate(text)
        #expect(
            result.map(Finding.init) == [
                Finding(
                    "manifest.type", 10, 17, ManifestPath([.key("run"), .key("hooks"), .key("enable"), .index(1)])),
                Finding(
                    "manifest.type", 10, 23, ManifestPath([.key("run"), .key("hooks"), .key("enable"), .index(3)])),
                Finding(
                    "manifest.type", 13, 9, ManifestPath([.key("run"), .key("hooks"), .key("plugins"), .index(1)])),
            ])
        #expect(result.first?.message == "run.hooks.enable[1] must be a string, got 3 (an integer)")
    }

    @Test func listOfTheWrongType() throws {
        let result = try validate(minimalManifest + "run:\n  runners:\n    plugins: {a: 1}\n")
        #expect(result.map(Finding.init) == [Finding("manifest.type", 10, 14, ["run", "runners", "plugins"])])
        #expect(result.first?.message == "run.runners.plugins must be a list (or a single string), got a mapping")
    }

    @Test func configThatIsNotAMapping() throws {
        let result = try validate(minimalManifest + "run:\n  hooks:\n    config: [log]\n")
        #expect(result.map(Finding.init) == [Finding("manifest.type", 10, 13, ["run", "hooks", "config"])])
        #expect(result.first?.message == "run.hooks.config must be a mapping, got a list")
    }

    @Test func configEntryThatIsNotAMapping() throws {
        let text =
            minimalManifest + """
                run:
                  hooks:
                    config:
                      log: verbose
                      ok: {}
                      empty: ~

                """
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding("manifest.type", 11, 12, ["run", "hooks", "config", "log"])])
        #expect(result.first?.message == "run.hooks.config.log must be a mapping, got a string")
    }

    @Test(arguments: ["yes", "no", "true", "False", "on", "OFF", "y", "1", "0"])
    func devModeAcceptsBooleanWords(written: String) throws {
        #expect(
            try validate(
                minimalManifest.replacingOccurrences(
                    of: "dataset: raw\n", with: "dataset: raw\n  dev_mode: \(written)\n")
            )
            .isEmpty)
    }

    @Test(arguments: ["\"\"", "${ENV:DLTAF_TEST_UNSET_DEV_MODE}"])
    func devModeLeftEmptyByAnUnsetVariableIsNoValue(written: String) throws {
        #expect(
            try validate(
                minimalManifest.replacingOccurrences(
                    of: "dataset: raw\n", with: "dataset: raw\n  dev_mode: \(written)\n")
            )
            .isEmpty)
    }

    @Test(arguments: ["maybe", "\"2\"", "[true]"])
    func devModeRejectsOtherValues(written: String) throws {
        let text = minimalManifest.replacingOccurrences(
            of: "dataset: raw\n", with: "dataset: raw\n  dev_mode: \(written)\n")
        let result = try validate(text)
        #expect(result.map(Finding.init) == [Finding("manifest.type", 6, 13, ["pipeline", "dev_mode"])])
        #expect(result.first?.message.hasPrefix("pipeline.dev_mode must be a boolean (true/false") == true)
    }

    @Test func dependsOnMustBeAList() throws {
        let result = try validate(minimalManifest + "depends_on: {a: 1}\n")
        #expect(result.map(Finding.init) == [Finding("manifest.type", 8, 13, ["depends_on"])])
    }

    @Test func everyFindingIsReportedTogether() throws {
        let text = """
            pipline: {}
            pipeline:
              name: 3
              destination: d
              dataset: d
            source: {}
            run:
              write_disposition: replce

            """
        let codes = try findings(text).map(\.code)
        #expect(
            codes == [
                "manifest.unknown_key", "manifest.type", "manifest.missing_key", "manifest.version_missing",
                "manifest.destination_unknown", "manifest.write_disposition",
            ])
    }

    @Test(
        arguments: [
            (.bool(true), true),
            (.bool(false), false),
            (.int(1), true),
            (.int(0), false),
            // Any number, as Python's bool(value).
            (.int(2), true),
            (.int(-1), true),
            (.double(1.0), true),
            ("true", true),
            ("TRUE", true),
            ("yes", true),
            ("Yes", true),
            ("y", true),
            ("on", true),
            ("1", true),
            ("false", false),
            ("No", false),
            ("n", false),
            ("off", false),
            ("0", false),
            ("maybe", nil),
            ("", nil),
            (" yes", true),
            (.null, nil),
            ([true], nil),
            (["a": true], nil),
        ] as [(JSONValue, Bool?)])
    func coerceBool(value: JSONValue, expected: Bool?) {
        #expect(ManifestValidator.coerceBool(value) == expected)
    }
}
