import DltafJSON
import DltafManifest
import DltafYAML
import Testing

@Suite("ManifestLoader.parse")
struct ManifestLoaderTests {
    @Test func loadsValueFileAndDirectory() throws {
        let manifest = try parseManifest(minimalManifest)
        #expect(manifest.file == manifestFile)
        #expect(manifest.directory == "/work/project")
        #expect(manifest.value.objectValue?.keys == ["version", "pipeline", "source"])
        #expect(manifest.pipelineName == "dlt__orders__to__duckdb__raw")
        #expect(manifest.sourceKind == "orders_export")
        #expect(manifest.writeDisposition == "replace")
        #expect(manifest.value["version"] == 1)
        #expect(manifest.warnings.isEmpty)
        #expect(manifest.environmentReferences.isEmpty)
    }

    @Test func recordsWhereValuesAndKeysAreWritten() throws {
        let manifest = try parseManifest(minimalManifest)
        #expect(manifest.sourceMap.mark(at: ["version"]) == mark(1, 10))
        #expect(manifest.sourceMap.mark(at: ["pipeline", "dataset"]) == mark(5, 12))
        #expect(manifest.sourceMap.keyMark(at: ["pipeline", "dataset"]) == mark(5, 3))
        // A path that does not exist falls back to its nearest written ancestor.
        #expect(manifest.sourceMap.mark(at: ["source", "kind", "nope"]) == mark(7, 9))
    }

    @Test func duplicateKeyIsALocatedError() throws {
        let text = """
            version: 1
            pipeline:
              name: a
              dataset: d
              name: b

            """
        let error = try #require(manifestError(text))
        let diagnostic = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(diagnostic.code == "yaml.duplicate_key")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.file == manifestFile)
        #expect(diagnostic.mark == mark(5, 3))
        #expect(diagnostic.path == ["pipeline", "name"])
        #expect(diagnostic.message.contains("duplicate key 'name'"))
        #expect(diagnostic.message.contains("3:3"))
        #expect(diagnostic.description.hasPrefix("\(manifestFile):5:3: error: "))
        #expect(diagnostic.description.hasSuffix("[at pipeline.name]"))
    }

    @Test func duplicateKeyInsideAListHasAnIndexedPath() throws {
        let text = """
            run:
              hooks:
                config:
                  - a: 1
                    a: 2

            """
        let diagnostic = try #require(manifestError(text)?.diagnostics.first)
        #expect(diagnostic.code == "yaml.duplicate_key")
        #expect(diagnostic.mark == mark(5, 9))
        #expect(
            diagnostic.path == ManifestPath([.key("run"), .key("hooks"), .key("config"), .index(0), .key("a")]))
    }

    @Test func duplicateDottedKeyKeepsTheDotInsideOneComponent() throws {
        let text = """
            "a.b":
              x: 1
              x: 2

            """
        let diagnostic = try #require(manifestError(text)?.diagnostics.first)
        #expect(diagnostic.code == "yaml.duplicate_key")
        #expect(diagnostic.path == ManifestPath([.key("a.b"), .key("x")]))
    }

    @Test func syntaxErrorIsLocated() throws {
        let text = "version: 1\npipeline: [unclosed\n"
        let diagnostic = try #require(manifestError(text)?.diagnostics.first)
        #expect(diagnostic.code == "yaml.syntax")
        #expect(diagnostic.file == manifestFile)
        #expect(diagnostic.mark != nil)
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
    func emptyManifestIsAnError(text: String) throws {
        let diagnostic = try #require(manifestError(text)?.diagnostics.first)
        #expect(diagnostic.code == "manifest.empty")
        #expect(diagnostic.message == "the manifest is empty")
        #expect(diagnostic.file == manifestFile)
    }

    @Test(
        arguments: [
            ("- a\n- b\n", mark(1, 1)),
            ("just text\n", mark(1, 1)),
            ("\n\n  42\n", mark(3, 3)),
            ("~\n", mark(1, 1)),
        ] as [(String, YAMLMark)])
    func nonMappingRootIsAnError(text: String, expected: YAMLMark) throws {
        let diagnostic = try #require(manifestError(text)?.diagnostics.first)
        #expect(diagnostic.code == "manifest.not_mapping")
        #expect(diagnostic.mark == expected)
        #expect(diagnostic.path == nil)
    }

    @Test func catalogMetadataIsStripped() throws {
        let text = """
            version: 1
            catalog:
              owner: team-data
              tags: [a, b]
            pipeline:
              name: p
              catalog: kept below the top level

            """
        let manifest = try parseManifest(text)
        #expect(manifest.value.objectValue?.keys == ["version", "pipeline"])
        #expect(manifest.value["catalog"] == nil)
        #expect(manifest.value["pipeline"]?["catalog"] == "kept below the top level")
        #expect(ManifestLoader.metadataKeys == ["catalog"])
    }

    @Test func scalarsUseTheCoreSchema() throws {
        let text = """
            a: yes
            b: true
            c: 017
            d: 1.5
            e: ~
            f: "1"
            g: no

            """
        let manifest = try parseManifest(text)
        let expected: JSONValue = ["a": "yes", "b": true, "c": 17, "d": 1.5, "e": .null, "f": "1", "g": "no"]
        #expect(manifest.value == expected)
    }

    @Test func stringListReadsAStringOrAList() throws {
        let text = """
            one: a,b
            many: [x, 2, y]
            none: 5

            """
        let manifest = try parseManifest(text)
        #expect(manifest.stringList(at: ["one"]) == ["a,b"])
        #expect(manifest.stringList(at: ["many"]) == ["x", "y"])
        #expect(manifest.stringList(at: ["none"]).isEmpty)
        #expect(manifest.stringList(at: ["missing"]).isEmpty)
        #expect(manifest.value(at: ManifestPath([.key("many"), .index(1)])) == 2)
        #expect(manifest.value(at: ManifestPath([.key("many"), .index(3)])) == nil)
        #expect(manifest.value(at: ManifestPath([.key("one"), .index(0)])) == nil)
    }
}
