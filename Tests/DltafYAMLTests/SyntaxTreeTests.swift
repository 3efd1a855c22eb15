import DltafYAML
import Testing

@Suite("syntax tree: layout and byte ranges")
struct SyntaxTreeTests {
    /// The source text a node covers.
    private func slice(_ text: String, _ node: YAMLSyntaxNode) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: bytes[node.start.offset..<node.end.offset], as: UTF8.self)
    }

    @Test("scalar ranges are exact, quotes included, for ASCII and multi-byte text")
    func scalarRanges() throws {
        let text = "é€: 'ü'  # comment\nname: \"x y\"\nplain: hello world\n"
        let root = try #require(try YAMLSyntaxParser.parse(text))
        let entries = try #require(root.entries)
        #expect(entries.map { slice(text, $0.value) } == ["'ü'", "\"x y\"", "hello world"])
        #expect(entries[0].value.start.mark == YAMLMark(line: 1, column: 5))
        #expect(entries[0].value.start.offset == 7)  // é is 2 bytes, € is 3
        #expect(entries[1].value.content == .scalar(text: "x y", style: .doubleQuoted))
    }

    @Test("a BOM and CR LF line breaks are counted in offsets")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}a: 1\r\nb: two\r\n"
        let root = try #require(try YAMLSyntaxParser.parse(text))
        let value = try #require(root.entry(forKey: "b")?.value)
        #expect(slice(text, value) == "two")
        #expect(value.start.mark == YAMLMark(line: 2, column: 4))
    }

    @Test("collections keep their style; flow collections end after the bracket")
    func styles() throws {
        let text = "m: {a: 1, b: [x, y]}\nblock:\n  k: v\n"
        let root = try #require(try YAMLSyntaxParser.parse(text))
        let flow = try #require(root.entry(forKey: "m")?.value)
        #expect(flow.collectionStyle == .flow)
        #expect(slice(text, flow) == "{a: 1, b: [x, y]}")
        #expect(root.entry(forKey: "block")?.value.collectionStyle == .block)
    }

    @Test("an omitted value is an empty scalar right after the colon")
    func emptyValue() throws {
        let text = "d:   # c\ne: x\n"
        let root = try #require(try YAMLSyntaxParser.parse(text))
        let value = try #require(root.entry(forKey: "d")?.value)
        #expect(value.scalarText == "")
        #expect(value.start.offset == 2)
        #expect(value.end.offset == 2)
    }

    @Test("merge keys and aliases are kept as written")
    func mergeAndAlias() throws {
        let text = "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n"
        let root = try #require(try YAMLSyntaxParser.parse(text))
        let use = try #require(root.entry(forKey: "use")?.value.entries)
        #expect(use.map(\.key.scalarText) == ["<<", "y"])
        #expect(use[0].value.content == .alias(anchor: "b"))
        #expect(root.entry(forKey: "base")?.value.anchor == "b")
    }

    @Test("an empty document has no root; a second document is an error")
    func documents() throws {
        #expect(try YAMLSyntaxParser.parse("# only a comment\n") == nil)
        #expect(throws: YAMLError.self) { try YAMLSyntaxParser.parse("a: 1\n---\nb: 2\n") }
    }

    @Test("depth is bounded")
    func depth() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: YAMLError.self) { try YAMLSyntaxParser.parse(text) }
    }
}
