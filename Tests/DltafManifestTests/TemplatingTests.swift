import DltafJSON
import DltafManifest
import Foundation
import Testing

@Suite("Templating: ${ENV:...} and TODAY_STR")
struct TemplatingTests {
    /// Loads `value: <written>` and returns the templated value.
    private func template(_ written: String, environment: [String: String]) throws -> JSONValue? {
        try parseManifest("value: \(written)\n", environment: environment).value["value"]
    }

    @Test(
        arguments: [
            // Whole-value placeholders.
            ("${ENV:NAME}", ["NAME": "set"], "set"),
            ("${ENV:NAME|fallback}", ["NAME": "set"], "set"),
            ("${ENV:NAME|fallback}", [:], "fallback"),
            ("${ENV:NAME|fallback}", ["NAME": ""], "fallback"),
            ("${ENV:NAME|}", [:], ""),
            ("${ENV:NAME|a|b}", [:], "a|b"),
            ("${ENV:NAME|with spaces}", [:], "with spaces"),
            ("\"${ENV:NAME|quoted}\"", [:], "quoted"),
            ("${ENV:_under_1}", ["_under_1": "ok"], "ok"),
            ("${ENV:NAME}", ["NAME": "${ENV:OTHER}", "OTHER": "no recursion"], "${ENV:OTHER}"),
            // Not whole-value: left untouched.
            ("prefix-${ENV:NAME}", ["NAME": "set"], "prefix-${ENV:NAME}"),
            ("\"${ENV:NAME} suffix\"", ["NAME": "set"], "${ENV:NAME} suffix"),
            ("\" ${ENV:NAME}\"", ["NAME": "set"], " ${ENV:NAME}"),
            ("${ENV:NAME}${ENV:NAME}", ["NAME": "set"], "${ENV:NAME}${ENV:NAME}"),
            // Not a valid placeholder name: left untouched.
            ("${ENV:}", [:], "${ENV:}"),
            ("${ENV:1ABC}", ["1ABC": "x"], "${ENV:1ABC}"),
            ("${ENV:A-B}", ["A-B": "x"], "${ENV:A-B}"),
            ("${env:NAME}", ["NAME": "set"], "${env:NAME}"),
            ("$ENV:NAME", ["NAME": "set"], "$ENV:NAME"),
        ] as [(String, [String: String], String)])
    func resolvesWholeValuePlaceholdersOnly(written: String, environment: [String: String], expected: String)
        throws
    {
        #expect(try template(written, environment: environment) == .string(expected))
    }

    @Test func nonStringValuesAreUntouched() throws {
        let manifest = try parseManifest("a: 1\nb: true\nc: ~\nd: 2.5\n", environment: ["a": "x"])
        #expect(manifest.value == ["a": 1, "b": true, "c": .null, "d": 2.5])
    }

    @Test func unsetVariableWithoutDefaultBecomesEmptyWithALocatedWarning() throws {
        let text = """
            version: 1
            source:
              credentials:
                token: ${ENV:API_TOKEN}

            """
        let manifest = try parseManifest(text)
        #expect(manifest.value["source"]?["credentials"]?["token"] == "")
        #expect(manifest.warnings.count == 1)
        let warning = try #require(manifest.warnings.first)
        #expect(warning.severity == .warning)
        #expect(warning.code == "manifest.env_unset")
        #expect(warning.mark == mark(4, 12))
        #expect(warning.path == ["source", "credentials", "token"])
        #expect(warning.file == manifestFile)
        #expect(warning.message.contains("API_TOKEN"))
        #expect(warning.message.contains("${ENV:API_TOKEN|default}"))
    }

    @Test func emptyVariableWithoutDefaultAlsoWarns() throws {
        let manifest = try parseManifest("token: ${ENV:TOKEN}\n", environment: ["TOKEN": ""])
        #expect(manifest.value["token"] == "")
        #expect(manifest.warnings.map(\.code) == ["manifest.env_unset"])
        #expect(manifest.warnings.first?.mark == mark(1, 8))
    }

    @Test func placeholdersInListsAreResolvedAndLocated() throws {
        let text = """
            items:
              - ${ENV:FIRST}
              - literal
              - nested:
                  - ${ENV:MISSING}

            """
        let manifest = try parseManifest(text, environment: ["FIRST": "one"])
        #expect(manifest.value["items"] == ["one", "literal", ["nested": [""]]])
        let warning = try #require(manifest.warnings.first)
        #expect(
            warning.path == ManifestPath([.key("items"), .index(2), .key("nested"), .index(0)]))
        #expect(warning.mark == mark(5, 9))
    }

    @Test func defaultsAndSetVariablesDoNotWarn() throws {
        let text = "a: ${ENV:A}\nb: ${ENV:B|fallback}\nc: ${ENV:C|}\n"
        let manifest = try parseManifest(text, environment: ["A": "1"])
        #expect(manifest.warnings.isEmpty)
        // The variable's text is kept as a string, even when it looks like a number.
        #expect(manifest.value == ["a": "1", "b": "fallback", "c": ""])
    }

    @Test func environmentReferencesAreRecordedInOrderOfFirstUse() throws {
        let text = """
            a: ${ENV:ZED}
            b: ${ENV:ALPHA|x}
            c:
              - ${ENV:ZED}
              - "${ENV:MID}"
            d: not-${ENV:PARTIAL}

            """
        let manifest = try parseManifest(text, environment: ["ZED": "z"])
        #expect(manifest.environmentReferences == ["ZED", "ALPHA", "MID"])
    }

    @Test(
        arguments: [
            ("TODAY_STR", "2024/02/29"),
            ("data/TODAY_STR/orders", "data/2024/02/29/orders"),
            ("TODAY_STR-TODAY_STR", "2024/02/29-2024/02/29"),
            ("today_str", "today_str"),
        ] as [(String, String)])
    func todayIsReplacedWithTheGivenDateInUTC(written: String, expected: String) throws {
        #expect(try template(written, environment: [:]) == .string(expected))
    }

    @Test func todayFollowsTheDateArgument() throws {
        let newYear = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
        let manifest = try parseManifest("path: out/TODAY_STR\n", today: newYear)
        #expect(manifest.value["path"] == "out/2025/01/01")
    }

    @Test func keysAreNotTemplated() throws {
        let manifest = try parseManifest("TODAY_STR: ${ENV:X|v}\n")
        #expect(manifest.value == ["TODAY_STR": "v"])
    }

    @Test(
        arguments: [
            ("${ENV:NAME}", "NAME", nil),
            ("${ENV:NAME|}", "NAME", ""),
            ("${ENV:N_1|a|b}", "N_1", "a|b"),
        ] as [(String, String, String?)])
    func placeholderParsing(text: String, name: String, fallback: String?) throws {
        let placeholder = try #require(Placeholder(text))
        #expect(placeholder.name == name)
        #expect(placeholder.fallback == fallback)
    }

    @Test(arguments: ["", "${ENV:}", "${ENV:9}", "x${ENV:A}", "${ENV:A}x", "${ENV:A B}", "${ENV:é}", "{ENV:A}"])
    func notPlaceholders(text: String) {
        #expect(Placeholder(text) == nil)
    }
}
