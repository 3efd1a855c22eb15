import DltafYAML
import Testing

@Suite("Located errors")
struct ErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var source: String
        var limits = YAMLLimits.default
        var code: YAMLError.Code
        var line: Int
        var column: Int
        var keyPath: String?
        /// Text the message must contain.
        var mentions: String
        var testDescription: String { "\(code): \(source.debugDescription)" }
    }

    static let cases: [Case] = [
        Case(source: "a: b: c\n", code: .syntax, line: 1, column: 5, mentions: "mapping values are not allowed"),
        Case(
            source: "a: [1, 2\nb: c\n",
            code: .syntax,
            line: 2,
            column: 2,
            mentions: "while parsing a flow sequence (started at 1:4)"
        ),
        // A tab used for indentation.
        Case(source: "a:\n\tb: 1\n", code: .syntax, line: 2, column: 1, mentions: "cannot start any token"),
        Case(
            source: "run:\n  x: 1\n  y: 2\n  x: 3\n",
            code: .duplicateKey,
            line: 4,
            column: 3,
            keyPath: "run.x",
            mentions: "duplicate key 'x' (first defined at 2:3)"
        ),
        Case(
            source: "{a: 1, a: 2}",
            code: .duplicateKey,
            line: 1,
            column: 8,
            keyPath: "a",
            mentions: "first defined at 1:2"
        ),
        Case(
            source: "<<: {a: 1}\n<<: {b: 2}\n",
            code: .duplicateKey,
            line: 2,
            column: 1,
            keyPath: "<<",
            mentions: "duplicate key '<<'"
        ),
        Case(
            source: "run:\n  hooks:\n    enable: [a, *nope]\n",
            code: .undefinedAlias,
            line: 3,
            column: 17,
            keyPath: "run.hooks.enable[1]",
            mentions: "'*nope'"
        ),
        Case(
            source: "a: &a [1, *a]\n",
            code: .undefinedAlias,
            line: 1,
            column: 11,
            keyPath: "a[1]",
            mentions: "recursive"
        ),
        Case(
            source: "a: 1\n---\nb: 2\n",
            code: .multipleDocuments,
            line: 2,
            column: 1,
            mentions: "single document"
        ),
        Case(
            source: "a:\n  b: !custom x\n", code: .unknownTag, line: 2, column: 6, keyPath: "a.b", mentions: "'!custom'"
        ),
        Case(source: "a: !!binary aGk=\n", code: .unknownTag, line: 1, column: 4, keyPath: "a", mentions: "'!!binary'"),
        Case(source: "s: !!set {a: null}\n", code: .unknownTag, line: 1, column: 4, keyPath: "s", mentions: "'!!set'"),
        Case(
            source: "t: !!timestamp 2001-12-14\n",
            code: .unknownTag,
            line: 1,
            column: 4,
            keyPath: "t",
            mentions: "'!!timestamp'"
        ),
        Case(
            source: "a: {b: [1]}\n",
            limits: YAMLLimits(maxDepth: 2),
            code: .tooDeep,
            line: 1,
            column: 8,
            keyPath: "a.b",
            mentions: "limit of 2"
        ),
        Case(
            source: "a: &a [1, 2, 3]\nb: *a\n",
            limits: YAMLLimits(maxAliasExpansionNodes: 3),
            code: .aliasBudgetExceeded,
            line: 2,
            column: 4,
            keyPath: "b",
            mentions: "'*a'"
        ),
        Case(
            source: "a: &x 1\nb: [&y 2]\n",
            limits: YAMLLimits(maxAnchors: 1),
            code: .tooManyAnchors,
            line: 2,
            column: 5,
            keyPath: "b[0]",
            mentions: "'&y'"
        ),
        Case(
            source: "base:\n  <<: [{a: 1}, 2]\n",
            code: .invalidMergeKey,
            line: 2,
            column: 16,
            keyPath: "base.<<[1]",
            mentions: "item 1 is the scalar '2'"
        ),
        Case(source: "a: {<<: x}\n", code: .invalidMergeKey, line: 1, column: 9, keyPath: "a.<<", mentions: "'x'"),
        Case(
            source: "a:\n  <<:\n  b: 1\n",
            code: .invalidMergeKey,
            line: 2,
            column: 6,
            keyPath: "a.<<",
            mentions: "null"
        ),
        Case(
            source: "a:\n  ? [x]\n  : 1\n",
            code: .nonScalarKey,
            line: 2,
            column: 5,
            keyPath: "a",
            mentions: "sequence"
        ),
        Case(source: "{a: 1}: 2\n", code: .nonScalarKey, line: 1, column: 1, mentions: "mapping"),
        Case(source: "a: &s [1]\n*s : 2\n", code: .nonScalarKey, line: 2, column: 1, mentions: "alias"),
        Case(source: "n: !!int abc\n", code: .badTaggedValue, line: 1, column: 4, keyPath: "n", mentions: "'abc'"),
        Case(source: "- !!bool yes\n", code: .badTaggedValue, line: 1, column: 3, keyPath: "[0]", mentions: "!!bool"),
        Case(source: "m: !!map [1]\n", code: .badTaggedValue, line: 1, column: 4, keyPath: "m", mentions: "sequence"),
        Case(source: "v: !!str {a: 1}\n", code: .badTaggedValue, line: 1, column: 4, keyPath: "v", mentions: "!!str"),
        Case(source: "v: !!merge x\n", code: .badTaggedValue, line: 1, column: 4, keyPath: "v", mentions: "!!merge"),
    ]

    @Test(arguments: cases)
    func located(_ testCase: Case) throws {
        let error = try #require(loadError(testCase.source, limits: testCase.limits))
        #expect(error.code == testCase.code)
        #expect(error.mark == YAMLMark(line: testCase.line, column: testCase.column))
        #expect(error.keyPath == testCase.keyPath)
        #expect(error.file == "test.yaml")
        #expect(error.message.contains(testCase.mentions), "message: \(error.message)")
    }

    @Test func inputTooLargeIsRejectedBeforeParsing() throws {
        // Invalid YAML on purpose: the size check must fire before libyaml sees it.
        let limits = YAMLLimits(maxInputBytes: 9)
        let error = try #require(loadError("a: [1, 2, 3]", limits: limits))
        #expect(error.code == .inputTooLarge)
        #expect(error.mark == nil)
        #expect(error.message.contains("12 bytes"))
        #expect(try YAMLLoader.load("a: [1, 2]", limits: limits)?["a"]?.sequence?.count == 2)
    }

    @Test func invalidUTF8IsLocated() throws {
        // Line 2 is `b: caf` + a lone continuation byte: the bad byte is the 7th scalar on that line.
        let bytes = Array("a: 1\nb: caf".utf8) + [0xA9] + Array("\n".utf8)
        let error = try #require(loadError(bytes))
        #expect(error.code == .invalidUTF8)
        #expect(error.mark == YAMLMark(line: 2, column: 7))
        #expect(error.message.contains("UTF-8"))
    }

    @Test func invalidUTF8AfterMultibyteTextCountsScalars() throws {
        // `é€: ` is 4 scalars (7 bytes) and the truncated `E2 82` is the 5th, so the offending octet (the newline
        // libyaml finds where the third byte should be) is column 6 of line 3. CRLF counts as one break.
        let bytes = Array("x: 1\r\ny: 2\r\né€: ".utf8) + [0xE2, 0x82] + Array("\n".utf8)
        let error = try #require(loadError(bytes))
        #expect(error.code == .invalidUTF8)
        #expect(error.message.contains("trailing"))
        #expect(error.mark == YAMLMark(line: 3, column: 6))
    }

    @Test func utf16IsNotSilentlyDecoded() throws {
        let error = try #require(loadError([0xFF, 0xFE, 0x61, 0x00]))
        #expect(error.code == .invalidUTF8)
        #expect(error.mark == YAMLMark(line: 1, column: 1))
    }

    @Test func controlCharacterIsASyntaxError() throws {
        let error = try #require(loadError(Array("a: 1\nb: x".utf8) + [0x00]))
        #expect(error.code == .syntax)
        #expect(error.mark == YAMLMark(line: 2, column: 5))
        #expect(error.message.contains("control characters"))
    }

    @Test func descriptionHasFileMarkMessageAndKeyPath() throws {
        let error = try #require(loadError("a:\n  b: *nope\n"))
        #expect(error.description == "test.yaml:2:6: error: undefined alias '*nope' (at a.b)")
    }

    @Test func descriptionOmitsMissingParts() {
        #expect(YAMLError(code: .syntax, message: "bad").description == "error: bad")
        #expect(YAMLError(code: .syntax, message: "bad", file: "f.yaml").description == "f.yaml: error: bad")
        let located = YAMLError(code: .syntax, message: "bad", mark: YAMLMark(line: 1, column: 2), keyPath: "k")
        #expect(located.description == "1:2: error: bad (at k)")
    }

    @Test func errorWithoutFileNameHasNoFile() throws {
        do {
            _ = try YAMLLoader.load("a: *x")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == nil)
            #expect(error.description == "1:4: error: undefined alias '*x' (at a)")
        }
    }

    @Test func keyPathQuotesAmbiguousKeys() throws {
        let error = try #require(loadError("\"a.b\":\n  \"c d\": *x\n"))
        #expect(error.keyPath == "[\"a.b\"][\"c d\"]")
    }
}
