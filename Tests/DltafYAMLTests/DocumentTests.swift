import DltafYAML
import Testing

@Suite("Documents")
struct DocumentTests {
    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
    func emptyInputHasNoDocument(_ source: String) throws {
        #expect(try YAMLLoader.load(source) == nil)
    }

    @Test func tildeDocumentIsANullScalar() throws {
        let root = try loadNode("~")
        #expect(root.scalarValue == .null)
        #expect(root.scalar?.text == "~")
        #expect(root.mark == YAMLMark(line: 1, column: 1))
    }

    @Test func explicitlyEmptyDocumentsWithPropertiesAreNodes() throws {
        #expect(try loadNode("--- !!null\n").scalarValue == .null)
        #expect(try loadNode("--- \"\"\n").scalarValue == .string(""))
    }

    @Test func bomIsAccepted() throws {
        let root = try #require(try YAMLLoader.load([0xEF, 0xBB, 0xBF] + Array("k: v\n".utf8)))
        #expect(root["k"]?.scalarValue == .string("v"))
    }

    @Test func singleExplicitDocumentIsFine() throws {
        let root = try loadNode("---\na: 1\n...\n")
        #expect(root["a"]?.scalarValue == .int(1))
    }

    @Test func nullKeysUseTheirText() throws {
        let root = try loadNode("~: a\nnull: b\n")
        #expect(keys(root) == ["~", "null"])
    }

    @Test func accessorsReturnNilForOtherKinds() throws {
        let root = try loadNode("s: [1]\nm: {a: 1}\nv: x\n")
        #expect(root["s"]?.mapping == nil)
        #expect(root["s"]?["a"] == nil)
        #expect(root["m"]?.sequence == nil)
        #expect(root["m"]?.scalarValue == nil)
        #expect(root["v"]?.sequence == nil)
        #expect(root["missing"] == nil)
    }
}
