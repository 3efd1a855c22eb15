import DltafManifest
import Testing

@Suite("ManifestPath")
struct ManifestPathTests {
    @Test(
        arguments: [
            ([], "(root)", ""),
            ([.key("version")], "version", "/version"),
            ([.key("run"), .key("hooks"), .key("enable"), .index(1)], "run.hooks.enable[1]", "/run/hooks/enable/1"),
            ([.key("a"), .index(0), .index(2), .key("b")], "a[0][2].b", "/a/0/2/b"),
            ([.key("a/b")], "a/b", "/a~1b"),
            ([.key("a~b")], "a~b", "/a~0b"),
            ([.key("~1")], "~1", "/~01"),
            ([.key("~/")], "~/", "/~0~1"),
            ([.key("/~"), .key("x")], "/~.x", "/~1~0/x"),
            ([.key("")], "", "/"),
            ([.key("a"), .key("")], "a.", "/a/"),
            ([.key("01")], "01", "/01"),
            ([.key("-1")], "-1", "/-1"),
            ([.key("a.b"), .key("c d")], "a.b.c d", "/a.b/c d"),
            ([.key("ü€")], "ü€", "/ü€"),
        ] as [([ManifestPath.Component], String, String)])
    func dottedAndPointerForms(components: [ManifestPath.Component], dotted: String, pointer: String) throws {
        let path = ManifestPath(components)
        #expect(path.description == dotted)
        #expect(path.pointer == pointer)
        let back = try #require(ManifestPath(pointer: pointer))
        #expect(back == path)
        #expect(back.pointer == pointer)
    }

    @Test(arguments: ["version", "run.hooks.enable[1]", "a[0][2].b", "pipeline.dev_mode", "x[10].y[0]"])
    func dottedFormRoundTripsThroughOverrideParsing(dotted: String) throws {
        let path = try Override(parsing: dotted + "=1").path
        #expect(path.description == dotted)
        #expect(ManifestPath(pointer: path.pointer) == path)
    }

    @Test func numericPointerTokensBecomeIndexes() throws {
        let path = try #require(ManifestPath(pointer: "/items/0/12"))
        #expect(path.components == [.key("items"), .index(0), .index(12)])
    }

    @Test(arguments: ["no-slash", "a/b", "~0"])
    func pointersMustStartWithASlash(pointer: String) {
        #expect(ManifestPath(pointer: pointer) == nil)
    }

    @Test func rootPointerIsEmpty() throws {
        #expect(try #require(ManifestPath(pointer: "")) == .root)
        #expect(ManifestPath.root.pointer.isEmpty)
        #expect(ManifestPath.root.parent == nil)
    }

    @Test func buildingPaths() {
        let path = ManifestPath.root.appending("run").appending("hooks").appending(index: 2)
        #expect(path == ManifestPath([.key("run"), .key("hooks"), .index(2)]))
        #expect(path.parent == ["run", "hooks"])
        #expect(path.parent?.parent?.parent == .root)
        let literal: ManifestPath = ["a", "b"]
        #expect(literal.components == [.key("a"), .key("b")])
        #expect(Set([literal, ["a", "b"], ["b", "a"]]).count == 2)
    }
}
