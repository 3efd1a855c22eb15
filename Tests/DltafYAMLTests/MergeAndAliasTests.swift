import DltafYAML
import Testing

@Suite("Merge keys and aliases")
struct MergeAndAliasTests {
    @Test func explicitKeyBeatsMergedAndEarlierSourceBeatsLater() throws {
        let root = try loadNode("<<: [{x: 1, y: 1}, {x: 2, z: 2}]\ny: 3\n")
        #expect(root["x"]?.scalarValue == .int(1))
        #expect(root["y"]?.scalarValue == .int(3))
        #expect(root["z"]?.scalarValue == .int(2))
        // Merged keys take the place of `<<`; explicit keys keep document order.
        #expect(keys(root) == ["x", "z", "y"])
    }

    @Test func explicitKeyBeforeMergeAlsoWins() throws {
        let root = try loadNode("y: 3\n<<: {y: 1, w: 0}\n")
        #expect(root["y"]?.scalarValue == .int(3))
        #expect(root["w"]?.scalarValue == .int(0))
        #expect(keys(root) == ["y", "w"])
    }

    @Test func mergeAliasWithOverride() throws {
        let source = """
            base: &base
              image: alpine
              retries: 2
            job:
              <<: *base
              retries: 5
            """
        let root = try loadNode(source)
        let job = try #require(root["job"])
        #expect(job["image"]?.scalarValue == .string("alpine"))
        #expect(job["retries"]?.scalarValue == .int(5))
        #expect(keys(job) == ["image", "retries"])
        // Merged keys keep the marks of their definition; the override keeps its own.
        #expect(job.entry(forKey: "image")?.keyMark == YAMLMark(line: 2, column: 3))
        #expect(job.entry(forKey: "retries")?.keyMark == YAMLMark(line: 6, column: 3))
        // The base mapping itself is untouched.
        #expect(root["base"]?["retries"]?.scalarValue == .int(2))
    }

    @Test func mergeSequenceOfAliases() throws {
        let root = try loadNode("a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  <<: [*a, *b]\n")
        let c = try #require(root["c"])
        #expect(c["p"]?.scalarValue == .int(1))
        #expect(c["q"]?.scalarValue == .int(1))
        #expect(c["r"]?.scalarValue == .int(2))
    }

    @Test func mergedKeyCollidingWithExplicitKeyIsNotAnError() throws {
        let root = try loadNode("a: 1\n<<: {a: 2}\n")
        #expect(root["a"]?.scalarValue == .int(1))
        #expect(root.mapping?.count == 1)
    }

    @Test func duplicateExplicitKeysNextToMergeAreStillAnError() throws {
        let error = try #require(loadError("<<: {a: 0}\na: 1\na: 2\n"))
        #expect(error.code == .duplicateKey)
        #expect(error.mark == YAMLMark(line: 3, column: 1))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try loadNode("\"<<\": {a: 1}\n")
        #expect(keys(root) == ["<<"])
        #expect(root["<<"]?["a"]?.scalarValue == .int(1))
    }

    @Test func mergeTagMakesAMergeKey() throws {
        let root = try loadNode("!!merge <<: {a: 1}\nb: 2\n")
        #expect(keys(root) == ["a", "b"])
    }

    @Test func nestedMergesAreFlattenedBeforeBeingMergedAgain() throws {
        let root = try loadNode("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n")
        #expect(keys(root["c"]) == ["x", "y", "z"])
    }

    @Test func aliasesAreCopiesWithTheAliasMark() throws {
        let root = try loadNode("a: &anchor\n  k: [1, 2]\nb: *anchor\nc: &s text\nd: *s\n")
        let a = try #require(root["a"])
        let b = try #require(root["b"])
        // A node's start mark includes its properties, so the anchored mapping starts at `&anchor`.
        #expect(a.mark == YAMLMark(line: 1, column: 4))
        #expect(b.mark == YAMLMark(line: 3, column: 4))
        // Apart from the root mark the copy is identical, inner marks included.
        var relocated = b
        relocated.mark = a.mark
        #expect(relocated == a)
        #expect(b["k"]?.mark == YAMLMark(line: 2, column: 6))
        #expect(root["d"]?.scalarValue == .string("text"))
        #expect(root["d"]?.mark == YAMLMark(line: 5, column: 4))
    }

    @Test func anchorsMayBeRedefined() throws {
        let root = try loadNode("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(root["b"]?.scalarValue == .int(1))
        #expect(root["d"]?.scalarValue == .int(2))
    }

    @Test func aliasAsKeyUsesTheScalarText() throws {
        let root = try loadNode("k: &k name\n*k : 1\n")
        #expect(keys(root) == ["k", "name"])
    }
}
