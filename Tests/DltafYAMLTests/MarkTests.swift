import DltafYAML
import Testing

@Suite("Node and key marks")
struct MarkTests {
    @Test func blockMappingMarks() throws {
        let root = try loadNode("name: demo\nrun:\n  hooks:\n    - first\n    - second\n")
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        #expect(root["name"]?.mark == YAMLMark(line: 1, column: 7))
        let run = try #require(root.entry(forKey: "run"))
        #expect(run.keyMark == YAMLMark(line: 2, column: 1))
        #expect(run.value.mark == YAMLMark(line: 3, column: 3))
        let hooks = try #require(run.value["hooks"]?.sequence)
        #expect(hooks.map(\.mark) == [YAMLMark(line: 4, column: 7), YAMLMark(line: 5, column: 7)])
        #expect(hooks.map(\.scalarValue) == [.string("first"), .string("second")])
    }

    @Test func flowMarks() throws {
        let root = try loadNode("a: [1, {b: x}]\n")
        let items = try #require(root["a"]?.sequence)
        #expect(root["a"]?.mark == YAMLMark(line: 1, column: 4))
        #expect(items.map(\.mark) == [YAMLMark(line: 1, column: 5), YAMLMark(line: 1, column: 8)])
        #expect(items[1].entry(forKey: "b")?.keyMark == YAMLMark(line: 1, column: 9))
        #expect(items[1]["b"]?.mark == YAMLMark(line: 1, column: 12))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // `é€` is 5 bytes but 2 scalars, so the value sits at column 5, not byte column 8.
        let root = try loadNode("é€: ü\n")
        let entry = try #require(root.mapping?.first)
        #expect(entry.key == "é€")
        #expect(entry.value.mark == YAMLMark(line: 1, column: 5))
        #expect(entry.value.scalarValue == .string("ü"))
    }

    @Test func bomDoesNotShiftColumns() throws {
        let root = try #require(try YAMLLoader.load([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)))
        #expect(keys(root) == ["a"])
        #expect(root["a"]?.mark == YAMLMark(line: 1, column: 4))
    }

    @Test func markDescription() {
        #expect(YAMLMark(line: 3, column: 14).description == "3:14")
    }
}
