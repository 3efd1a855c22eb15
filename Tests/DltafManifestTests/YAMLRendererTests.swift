import DltafJSON
import DltafManifest
import DltafYAML
import Testing

/// Strings a careless YAML writer would turn into something else.
private let trickyStrings: [String] = [
    "no", "yes", "on", "off", "y", "n", "Y", "NO", "true", "False", "TRUE", "null", "Null", "NULL", "~",
    "1.0", "1", "-1", "+1", "0x10", "0o17", "017", "1e3", ".5", "5.", ".inf", "-.inf", ".nan", "1_000",
    "", " ", " lead", "trail ", "  both  ",
    "a: b", "a:b", "key:", ":x", "a #b", "a#b", "#x",
    "-x", "- x", "-", "--", "---", "...", "?x", "? x",
    "!x", "!!str", "&anchor", "*alias", "%TAG", "@at", "`tick", "|x", ">x", "'single'", "\"double\"",
    "{a: 1}", "[a, b]", ",x", "a, b", "=", "<<",
    "multi\nline\ntext", "trailing newline\n", "\nleading newline", "tab\there", "\ttab first", "cr\rlf",
    "back\\slash", "quote\"inside", "it's",
    "café ☕ 😀", "日本語テキスト", "ü", "émoji 🎉 at end",
    "\u{7F}delete", "nul\u{0}byte", "bell\u{7}", "esc\u{1B}[0m",
    "next\u{85}line", "line\u{2028}separator", "paragraph\u{2029}separator", "\u{A0}nbsp", "c1\u{9B}csi",
    "\u{FEFF}bom first", "bom\u{FEFF}inside", "non\u{FFFE}char\u{FFFF}",
    "today_str lower case", "${ENV-like but not}",
]

/// Loads `text` as a manifest with no environment.
private func reload(_ text: String) throws -> JSONValue {
    try parseManifest(text).value
}

@Suite("YAMLRenderer")
struct YAMLRendererTests {
    @Test(arguments: trickyStrings)
    func stringValuesRoundTrip(text: String) throws {
        let value: JSONValue = ["value": .string(text)]
        let yaml = YAMLRenderer.render(value)
        #expect(try reload(yaml) == value, "rendered as: \(yaml)")
    }

    @Test(arguments: trickyStrings)
    func stringKeysRoundTrip(text: String) throws {
        let value: JSONValue = [text: "v", "other": 1]
        let yaml = YAMLRenderer.render(value)
        let reloaded = try reload(yaml)
        #expect(reloaded == value, "rendered as: \(yaml)")
        #expect(reloaded.objectValue?.keys == [text, "other"])
    }

    @Test(arguments: trickyStrings)
    func stringsInListsRoundTrip(text: String) throws {
        let value: JSONValue = ["items": [.string(text), [.string(text)], [text: .string(text)]]]
        let yaml = YAMLRenderer.render(value)
        #expect(try reload(yaml) == value, "rendered as: \(yaml)")
    }

    @Test(
        arguments: [
            .null, true, false, 0, 42, -7, .int(Int.max), .int(Int.min), 1.5, -0.25, .double(1.0), .double(1e16),
            .double(1e300), .double(-1.5e-10), .double(Double.leastNonzeroMagnitude),
            [], [:], [[]], [[:]], [.null], ["a": []], ["a": [:]],
            [1, "two", 3.5, .null, true],
            [["name": "a", "tags": ["x", "no"]], ["name": "b", "nested": ["deep": [["k": "v"], []]]]],
            [[["a": 1], ["b": [2, [3, [4]]]]], [[:], [[]]]],
            ["map": ["inner": ["list": [["k1": "v1", "k2": ["l": [1, 2]]], "s"]]]],
        ] as [JSONValue])
    func valuesRoundTrip(member: JSONValue) throws {
        let value: JSONValue = ["first": member, "second": "after"]
        let yaml = YAMLRenderer.render(value)
        let reloaded = try reload(yaml)
        #expect(reloaded == value, "rendered as: \(yaml)")
        #expect(sameKinds(reloaded, value), "number kinds changed: \(yaml)")
    }

    @Test func keyOrderIsKept() throws {
        let value: JSONValue = ["zeta": 1, "alpha": ["c": 1, "b": 2, "a": 3], "mid": [["y": 1, "x": 2]]]
        let reloaded = try reload(YAMLRenderer.render(value))
        #expect(reloaded.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(reloaded["alpha"]?.objectValue?.keys == ["c", "b", "a"])
        #expect(reloaded["mid"]?.arrayValue?.first?.objectValue?.keys == ["y", "x"])
    }

    @Test func rendersBlockStyle() {
        let value: JSONValue = [
            "version": 1,
            "pipeline": ["name": "orders", "dev_mode": "no"],
            "list": [["a": 1, "b": [2]], [3], [:]],
            "empty": [],
        ]
        let expected = """
            version: 1
            pipeline:
              name: orders
              dev_mode: "no"
            list:
              - a: 1
                b:
                  - 2
              -
                - 3
              - {}
            empty: []

            """
        #expect(YAMLRenderer.render(value) == expected)
    }

    @Test(
        arguments: [
            (JSONValue.null, "null\n"),
            ("no", "\"no\"\n"),
            ("plain", "plain\n"),
            ([:], "{}\n"),
            ([], "[]\n"),
            (["a"], "- a\n"),
            (.double(.infinity), ".inf\n"),
            (.double(-.infinity), "-.inf\n"),
            (.double(.nan), ".nan\n"),
        ] as [(JSONValue, String)])
    func rendersScalarsAndEmptyRoots(value: JSONValue, expected: String) {
        #expect(YAMLRenderer.render(value) == expected)
    }

    @Test(
        arguments: [
            ("<<", #"value: "<<""#),
            ("\u{7F}", #"value: "\u007F""#),
            ("a\u{85}b", #"value: "a\u0085b""#),
            ("a\u{2028}b\u{2029}", #"value: "a\u2028b\u2029""#),
            ("\u{FEFF}x", #"value: "\uFEFFx""#),
            ("tab\there\u{1}", #"value: "tab\there\u0001""#),
            ("ok\u{A0}é", "value: ok\u{A0}é"),
        ] as [(String, String)])
    func charactersYAMLCannotHoldRawAreEscaped(text: String, line: String) {
        #expect(YAMLRenderer.render(["value": .string(text)]) == line + "\n")
    }

    @Test func mergeKeyTextIsQuotedAsAKey() throws {
        let value: JSONValue = ["<<": ["a": 1], "b": 2]
        let yaml = YAMLRenderer.render(value)
        #expect(yaml.hasPrefix("\"<<\":\n"))
        #expect(try reload(yaml) == value)
    }

    @Test func nonFiniteNumbersReloadAsYAMLSpecials() throws {
        let yaml = YAMLRenderer.render(["up": .double(.infinity), "down": .double(-.infinity), "nan": .double(.nan)])
        let reloaded = try reload(yaml)
        #expect(reloaded["up"] == .double(.infinity))
        #expect(reloaded["down"] == .double(-.infinity))
        #expect(reloaded["nan"]?.doubleValue?.isNaN == true)
    }

    @Test func renderedManifestStillValidates() throws {
        let manifest = try parseManifest(minimalManifest)
        let again = try parseManifest(YAMLRenderer.render(manifest.value))
        #expect(again.value == manifest.value)
        #expect(ManifestValidator.validate(again).isEmpty)
    }
}

/// Equality that also requires the same number kinds (`.int` vs `.double`).
private func sameKinds(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.int, .double), (.double, .int): return false
    case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { sameKinds($0, $1) }
    case (.object(let a), .object(let b)):
        return a.keys == b.keys && zip(a.values, b.values).allSatisfy { sameKinds($0, $1) }
    default: return true
    }
}
