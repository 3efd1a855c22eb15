import DltafYAML
import Testing

@Suite("YAML 1.2 core schema resolution")
struct ScalarResolutionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var source: String
        var expected: YAMLScalarValue
        var testDescription: String { "v: \(source)" }

        init(_ source: String, _ expected: YAMLScalarValue) {
            self.source = source
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        // Booleans: only the three spellings of true/false. YAML 1.1 words stay strings (the "Norway problem").
        Case("true", .bool(true)),
        Case("True", .bool(true)),
        Case("TRUE", .bool(true)),
        Case("false", .bool(false)),
        Case("False", .bool(false)),
        Case("FALSE", .bool(false)),
        Case("tRUE", .string("tRUE")),
        Case("no", .string("no")),
        Case("yes", .string("yes")),
        Case("on", .string("on")),
        Case("off", .string("off")),
        Case("y", .string("y")),
        Case("n", .string("n")),
        // Null.
        Case("~", .null),
        Case("null", .null),
        Case("Null", .null),
        Case("NULL", .null),
        Case("", .null),
        Case("nULL", .string("nULL")),
        // Integers.
        Case("0", .int(0)),
        Case("42", .int(42)),
        Case("-17", .int(-17)),
        Case("+12", .int(12)),
        Case("017", .int(17)),
        Case("0o17", .int(15)),
        Case("0x1F", .int(31)),
        Case("0xff", .int(255)),
        Case("0o8", .string("0o8")),
        Case("0x", .string("0x")),
        Case("0xG1", .string("0xG1")),
        Case("0b101", .string("0b101")),
        Case("1_000", .string("1_000")),
        Case("1:30", .string("1:30")),
        Case("12345678901234567890", .string("12345678901234567890")),
        Case("9223372036854775807", .int(Int.max)),
        // Floats.
        Case("1e3", .double(1000)),
        Case("1.5", .double(1.5)),
        Case("-2.25", .double(-2.25)),
        Case(".5", .double(0.5)),
        Case("+.5", .double(0.5)),
        Case("1.", .double(1)),
        Case("2E-2", .double(0.02)),
        Case(".inf", .double(.infinity)),
        Case(".Inf", .double(.infinity)),
        Case("+.INF", .double(.infinity)),
        Case("-.inf", .double(-.infinity)),
        Case("inf", .string("inf")),
        Case("1e", .string("1e")),
        Case("e3", .string("e3")),
        Case(".", .string(".")),
        Case("1.2.3", .string("1.2.3")),
        Case("0x1p3", .string("0x1p3")),
        // Other plain text, quoted and block scalars.
        Case("2001-12-14", .string("2001-12-14")),
        Case("hello world", .string("hello world")),
        Case("\"true\"", .string("true")),
        Case("'12'", .string("12")),
        Case("\"~\"", .string("~")),
        Case("''", .string("")),
        Case("|\n  12\n", .string("12\n")),
        Case(">\n  true\n", .string("true\n")),
        // Core tags.
        Case("!!str 12", .string("12")),
        Case("!!str true", .string("true")),
        Case("!!int \"7\"", .int(7)),
        Case("!!int 0x10", .int(16)),
        Case("!!float 1", .double(1)),
        Case("!!float '2.5'", .double(2.5)),
        Case("!!bool \"false\"", .bool(false)),
        Case("!!null ''", .null),
        Case("! 12", .string("12")),
    ]

    @Test(arguments: cases)
    func resolves(_ testCase: Case) throws {
        let root = try loadNode("v: \(testCase.source)")
        #expect(root["v"]?.scalarValue == testCase.expected)
    }

    @Test(arguments: [".nan", ".NaN", ".NAN"])
    func nan(_ source: String) throws {
        let root = try loadNode("v: \(source)")
        guard case .double(let value) = root["v"]?.scalarValue else {
            Issue.record("expected a double, got \(String(describing: root["v"]?.scalarValue))")
            return
        }
        #expect(value.isNaN)
    }

    @Test func norwayProblem() throws {
        let root = try loadNode("country: no\nenabled: on\n")
        #expect(root["country"]?.scalarValue == .string("no"))
        #expect(root["enabled"]?.scalarValue == .string("on"))
    }

    @Test func keepsTextStyleAndTag() throws {
        let root = try loadNode("a: '017'\nb: !!int \"12\"\nc: 017\n")
        let a = try #require(root["a"]?.scalar)
        #expect(a == YAMLScalar(text: "017", style: .singleQuoted, tag: nil, value: .string("017")))
        let b = try #require(root["b"]?.scalar)
        #expect(b == YAMLScalar(text: "12", style: .doubleQuoted, tag: "tag:yaml.org,2002:int", value: .int(12)))
        let c = try #require(root["c"]?.scalar)
        #expect(c == YAMLScalar(text: "017", style: .plain, tag: nil, value: .int(17)))
    }

    @Test func blockScalarStyles() throws {
        let root = try loadNode("l: |\n  a\n  b\nf: >\n  a\n  b\n")
        #expect(root["l"]?.scalar?.style == .literal)
        #expect(root["l"]?.scalar?.text == "a\nb\n")
        #expect(root["f"]?.scalar?.style == .folded)
        #expect(root["f"]?.scalar?.text == "a b\n")
    }

    @Test func collectionTagsAreAccepted() throws {
        let root = try loadNode("m: !!map {a: 1}\ns: !!seq [1]\n")
        #expect(keys(root["m"]) == ["a"])
        #expect(root["s"]?.sequence?.count == 1)
    }
}
