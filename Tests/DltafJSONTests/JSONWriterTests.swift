import DltafJSON
import Testing

/// Every control character, which the writer must escape.
private let allControlCharacters = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))

/// Values that must survive `parse(write(value))` unchanged in every writer style.
private let roundTripValues: [JSONValue] = [
    .null,
    true,
    false,
    0,
    -1,
    .int(Int.max),
    .int(Int.min),
    1.5,
    -0.25,
    .double(1.0),
    .double(100),
    .double(0.1),
    .double(1e300),
    .double(-1.5e-10),
    .double(1e16),
    .double(Double.leastNonzeroMagnitude),
    .double(Double.greatestFiniteMagnitude),
    "",
    "plain",
    "quote \" backslash \\ slash /",
    "line\nfeed\rreturn\ttab\u{08}backspace\u{0C}formfeed",
    .string(allControlCharacters),
    "\u{7F} delete and \u{1B}[31m escape",
    "héllo wörld ☕ 😀 日本語 \u{2028}\u{2029}\u{FEFF}",
    "\u{0}nul inside",
    [],
    [:],
    [1, "two", 3.5, .null, true, [], [:]],
    ["z": 1, "a": 2, "m": ["nested": [1, [2, [3]]]]],
    ["key with \"quotes\"\n": "value\u{1}", "": "empty key", "é": ["ü": .null]],
    [["a": [["b": []]]], [[[]]], ["deep": ["deeper": ["deepest": "yes"]]]],
]

private let writers: [JSONWriter] = [
    JSONWriter(),
    JSONWriter(style: .pretty),
    JSONWriter(sortKeys: true),
    JSONWriter(style: .pretty, sortKeys: true),
]

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test(arguments: roundTripValues)
    func roundTripsInEveryStyle(value: JSONValue) throws {
        for writer in writers {
            let text = writer.string(value)
            let parsed = try JSONParser.parse(text)
            #expect(parsed == value, "style \(writer.style), sortKeys \(writer.sortKeys): \(text)")
            #expect(writer.bytes(value) == Array(text.utf8))
        }
    }

    @Test(arguments: roundTripValues)
    func compactRoundTripKeepsKeyOrderAndNumberKinds(value: JSONValue) throws {
        let parsed = try JSONParser.parse(value.jsonText)
        #expect(sameShape(parsed, value), "\(value.jsonText)")
    }

    @Test func compactOutput() {
        let value: JSONValue = ["b": [true, .null, 1, -2.5], "a": ["x": "y"], "c": [], "d": [:]]
        #expect(value.jsonText == #"{"b":[true,null,1,-2.5],"a":{"x":"y"},"c":[],"d":{}}"#)
        #expect(JSONWriter().string("x") == #""x""#)
        #expect(JSONWriter().string(.null) == "null")
    }

    @Test func prettyOutput() {
        let value: JSONValue = ["a": 1, "b": [true, .null], "c": [:], "d": [], "e": ["f": "g"]]
        let expected = """
            {
              "a": 1,
              "b": [
                true,
                null
              ],
              "c": {},
              "d": [],
              "e": {
                "f": "g"
              }
            }
            """
        #expect(JSONWriter(style: .pretty).string(value) == expected)
        #expect(JSONWriter(style: .pretty).string([]) == "[]")
        #expect(JSONWriter(style: .pretty).string(5) == "5")
    }

    @Test func sortKeysSortsEveryLevel() {
        let value: JSONValue = ["b": ["z": 1, "y": 2], "a": [["d": 1, "c": 2]], "C": 0]
        #expect(JSONWriter(sortKeys: true).string(value) == #"{"C":0,"a":[{"c":2,"d":1}],"b":{"y":2,"z":1}}"#)
        // Without sortKeys the insertion order is kept.
        #expect(JSONWriter().string(value) == #"{"b":{"z":1,"y":2},"a":[{"d":1,"c":2}],"C":0}"#)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteDoublesAreWrittenAsNull(number: Double) throws {
        #expect(JSONValue.double(number).jsonText == "null")
        let list: JSONValue = [.double(number), 1]
        #expect(list.jsonText == "[null,1]")
        #expect(try JSONParser.parse(JSONWriter(style: .pretty).string(["x": .double(number)])) == ["x": .null])
    }

    @Test(
        arguments: [
            ("\"", #""\"""#),
            ("\\", #""\\""#),
            ("/", #""/""#),
            ("\n", #""\n""#),
            ("\r", #""\r""#),
            ("\t", #""\t""#),
            ("\u{0}", #""\u0000""#),
            ("\u{1}", #""\u0001""#),
            ("\u{08}", #""\u0008""#),
            ("\u{0C}", #""\u000c""#),
            ("\u{1F}", #""\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("é😀", "\"é😀\""),
        ] as [(String, String)])
    func escapesStrings(text: String, expected: String) {
        #expect(JSONValue.string(text).jsonText == expected)
        var output: [UInt8] = [0x41]
        JSONWriter.writeString(text, into: &output)
        #expect(output == [0x41] + Array(expected.utf8))
    }

    @Test func writeAppendsToExistingOutput() {
        var output = Array("prefix:".utf8)
        JSONWriter().write([1, 2], into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "prefix:[1,2]")
    }
}

/// Equality that also requires the same key order and the same number kinds (`.int` vs `.double`).
private func sameShape(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.double(let a), .double(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)):
        return a.count == b.count && zip(a, b).allSatisfy { sameShape($0, $1) }
    case (.object(let a), .object(let b)):
        return a.keys == b.keys && zip(a.values, b.values).allSatisfy { sameShape($0, $1) }
    default: return false
    }
}
