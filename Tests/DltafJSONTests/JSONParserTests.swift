import DltafJSON
import Testing

/// Parses `text`, returning the error it throws, or nil (recording an issue) when it parses.
private func parseError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
    do {
        let value = try JSONParser.parse(bytes)
        Issue.record("expected a parse error, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
    parseError(Array(text.utf8), sourceLocation: sourceLocation)
}

@Suite("JSONParser: valid documents")
struct JSONParserValidTests {
    @Test func nestedDocument() throws {
        let text = """
            {
              "name": "pipeline",
              "items": [1, -2, 3.5, true, false, null, [], {}],
              "nested": {"a": {"b": [{"c": "d"}]}}
            }
            """
        let value = try JSONParser.parse(text)
        let expected: JSONValue = [
            "name": "pipeline",
            "items": [1, -2, 3.5, true, false, .null, [], [:]],
            "nested": ["a": ["b": [["c": "d"]]]],
        ]
        #expect(value == expected)
        #expect(value["nested"]?["a"]?["b"]?.arrayValue?.first?["c"] == "d")
    }

    @Test func surroundingWhitespaceIsAllowed() throws {
        #expect(try JSONParser.parse(" \t\r\n [ 1 , 2 ] \n") == [1, 2])
        #expect(try JSONParser.parse("\"x\"") == "x")
        #expect(try JSONParser.parse("  null  ") == .null)
    }

    @Test(
        arguments: [
            ("\"héllo wörld ☕ 😀 日本\"", "héllo wörld ☕ 😀 日本"),
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
            (#""caf\u00e9""#, "café"),
            (#""\u00C9\u00c9""#, "ÉÉ"),
            (#""\ud83d\ude00""#, "😀"),
            (#""a\uD83D\uDE00b""#, "a😀b"),
            (#""\u0000""#, "\u{0}"),
            (#""\u001f\u007f""#, "\u{1F}\u{7F}"),
            (#""\u20ac and é""#, "€ and é"),
            (#""é\n""#, "é\n"),
            ("\"\"", ""),
        ] as [(String, String)])
    func strings(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test(
        arguments: [
            ("0", .int(0)),
            ("-0", .int(0)),
            ("42", .int(42)),
            ("-17", .int(-17)),
            ("9223372036854775807", .int(Int.max)),
            ("-9223372036854775808", .int(Int.min)),
            ("-9223372036854775807", .int(-Int.max)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808.0)),
            ("-9223372036854775809", .double(-9_223_372_036_854_775_809.0)),
            ("18446744073709551616", .double(18_446_744_073_709_551_616.0)),
            ("123456789012345678901234567890", .double(123_456_789_012_345_678_901_234_567_890.0)),
            ("1.5", .double(1.5)),
            ("-0.25", .double(-0.25)),
            ("1.0", .double(1.0)),
            ("1e3", .double(1000)),
            ("1E+2", .double(100)),
            ("2.5e-3", .double(0.0025)),
            ("-1.25E-2", .double(-0.0125)),
            ("0.1", .double(0.1)),
            ("6.02214076e23", .double(6.022_140_76e23)),
        ] as [(String, JSONValue)])
    func numbers(text: String, expected: JSONValue) throws {
        let value = try JSONParser.parse(text)
        #expect(value == expected)
        // `.int(1)` and `.double(1.0)` are different values: check the case, not just the number.
        switch (value, expected) {
        case (.int, .int), (.double, .double): break
        default: Issue.record("\(text) parsed as \(value), expected \(expected)")
        }
    }

    @Test func duplicateKeyKeepsLastValueAtFirstPosition() throws {
        let value = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = JSONParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 0
        while let items = value.arrayValue {
            levels += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(levels == depth)

        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(try JSONParser.parse(objects).objectValue != nil)
    }

    @Test func parsesBytesAndStringsAlike() throws {
        let text = #"{"k":["v",1]}"#
        #expect(try JSONParser.parse(Array(text.utf8)) == JSONParser.parse(text))
    }
}

@Suite("JSONParser: strict rejections")
struct JSONParserRejectionTests {
    @Test(
        arguments: [
            // Trailing commas.
            ("[1,2,]", 5, "unexpected character"),
            (#"{"a":1,}"#, 7, "expected a string key"),
            // Leading zeros.
            ("01", 0, "leading zero"),
            ("-01", 1, "leading zero"),
            ("[00]", 1, "leading zero"),
            // Malformed numbers.
            ("1.", 2, "after '.'"),
            (".5", 0, "unexpected character"),
            ("1e", 2, "exponent"),
            ("1e+", 3, "exponent"),
            ("-", 1, "expected a digit"),
            ("+1", 0, "unexpected character"),
            // Unterminated.
            ("", 0, "unexpected end of input"),
            ("   ", 3, "unexpected end of input"),
            (#""abc"#, 4, "unterminated string"),
            (#""a\n"#, 4, "unterminated string"),
            (#""a\"#, 3, "unterminated escape"),
            ("[1, 2", 5, "unexpected end of input in a list"),
            (#"{"a": 1"#, 7, "unexpected end of input in an object"),
            (#"{"a""#, 4, "expected ':'"),
            ("[", 1, "unexpected end of input"),
            ("tru", 0, "unexpected end of input"),
            // Bad literals and separators.
            ("nul!", 0, "invalid literal"),
            ("[1 2]", 3, "expected ',' or ']'"),
            (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
            ("{a:1}", 1, "expected a string key"),
            ("'x'", 0, "unexpected character"),
            // Garbage after the value.
            ("{} x", 3, "after the JSON value"),
            ("1 2", 2, "after the JSON value"),
            ("truex", 4, "after the JSON value"),
            ("[1]]", 3, "after the JSON value"),
            // Escapes.
            (#""\x""#, 2, "invalid escape"),
            (#""\u12G4""#, 5, "invalid hex digit"),
            (#""\u12""#, 3, "truncated"),
            // Unpaired surrogates.
            (#""\ud83d""#, 7, "unpaired surrogate"),
            (#""\ud83dx""#, 7, "unpaired surrogate"),
            (#""\ude00""#, 7, "unpaired surrogate"),
            (#""\ud83d\u0041""#, 13, "unpaired surrogate"),
            (#""\ud83d\ud83d""#, 13, "unpaired surrogate"),
        ] as [(String, Int, String)])
    func rejects(text: String, offset: Int, reason: String) throws {
        let error = try #require(parseError(text))
        #expect(error.offset == offset, "\(text): \(error)")
        #expect(error.reason.contains(reason), "\(text): \(error)")
        #expect(error.description == "\(error.reason) at byte \(error.offset)")
    }

    @Test(
        arguments: [
            // A raw control character in the fast path and in the slow (escaped) path.
            (Array(#""a"#.utf8) + [0x01] + Array(#"b""#.utf8), 2),
            (Array(#""\n"#.utf8) + [0x09] + Array(#"""#.utf8), 3),
            (Array(#"["ok", ""#.utf8) + [0x0A] + Array(#""]"#.utf8), 8),
            ([0x22, 0x1F, 0x22], 1),
        ] as [([UInt8], Int)])
    func rejectsControlCharactersInStrings(bytes: [UInt8], offset: Int) throws {
        let error = try #require(parseError(bytes))
        #expect(error.offset == offset)
        #expect(error.reason == "control character in a string")
    }

    @Test(
        arguments: [
            // A lone continuation byte, a truncated sequence, an overlong encoding, a surrogate encoded in UTF-8.
            [0x22, 0x61, 0xFF, 0x62, 0x22],
            [0x22, 0x61, 0xC3, 0x22],
            [0x22, 0x61, 0xC0, 0x80, 0x22],
            [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22],
            // The same inside a string that also has an escape (the slow path).
            [0x22, 0x61, 0x5C, 0x6E, 0xFF, 0x22],
        ] as [[UInt8]])
    func rejectsInvalidUTF8InStrings(bytes: [UInt8]) throws {
        let error = try #require(parseError(bytes))
        #expect(error.reason == "invalid UTF-8 in a string")
        // The offset names the start of the string's contents.
        #expect(error.offset == 1)
    }

    @Test func invalidUTF8OffsetPointsAtTheStringInsideAnObject() throws {
        let bytes = Array(#"{"key": ""#.utf8) + [0xFE] + Array(#""}"#.utf8)
        let error = try #require(parseError(bytes))
        #expect(error.reason == "invalid UTF-8 in a string")
        #expect(error.offset == 9)
    }

    @Test func invalidByteOutsideAStringIsAnUnexpectedCharacter() throws {
        let error = try #require(parseError([0xFF]))
        #expect(error.offset == 0)
        #expect(error.reason == "unexpected character '\\xFF'")
    }

    @Test func arraysDeeperThanTheLimitAreRejected() throws {
        let depth = JSONParser.maxDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = try #require(parseError(text))
        #expect(error.reason == "nesting deeper than 256")
        #expect(error.offset == JSONParser.maxDepth)
    }

    @Test func objectsDeeperThanTheLimitAreRejected() throws {
        let opener = #"{"a":"#
        let depth = JSONParser.maxDepth + 1
        let text = String(repeating: opener, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        let error = try #require(parseError(text))
        #expect(error.reason == "nesting deeper than 256")
        #expect(error.offset == opener.utf8.count * (depth - 1))
    }

    @Test func hostileDepthDoesNotCrash() throws {
        let text = String(repeating: "[", count: 100_000)
        let error = try #require(parseError(text))
        #expect(error.offset == JSONParser.maxDepth)
    }
}
