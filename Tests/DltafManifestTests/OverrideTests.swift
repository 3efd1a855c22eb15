import DltafJSON
import DltafManifest
import DltafYAML
import Testing

@Suite("--set overrides: parsing")
struct OverrideParsingTests {
    @Test(
        arguments: [
            ("a=1", [.key("a")]),
            ("a.b[0].c=1", [.key("a"), .key("b"), .index(0), .key("c")]),
            ("run.hooks.enable[1]=x", [.key("run"), .key("hooks"), .key("enable"), .index(1)]),
            ("a[1][2]=x", [.key("a"), .index(1), .index(2)]),
            ("a[0]=x", [.key("a"), .index(0)]),
            ("a[10].b[3]=x", [.key("a"), .index(10), .key("b"), .index(3)]),
            ("key_with-dash=x", [.key("key_with-dash")]),
            ("pipeline.name=a=b", [.key("pipeline"), .key("name")]),
            (
                "run.plugin_settings[\"acme.runner\"].env.X=1",
                [.key("run"), .key("plugin_settings"), .key("acme.runner"), .key("env"), .key("X")]
            ),
            ("a[\"b.c\"][0]=1", [.key("a"), .key("b.c"), .index(0)]),
        ] as [(String, [ManifestPath.Component])])
    func parsesPaths(argument: String, components: [ManifestPath.Component]) throws {
        let override = try Override(parsing: argument)
        #expect(override.path == ManifestPath(components))
        #expect(override.argument == argument)
    }

    @Test(
        arguments: [
            ("k=1", .int(1)),
            ("k=-7", .int(-7)),
            ("k=1.5", .double(1.5)),
            ("k=true", .bool(true)),
            ("k=false", .bool(false)),
            ("k=null", .null),
            ("k=[\"a\", 2]", ["a", 2]),
            ("k={\"x\": {\"y\": 1}}", ["x": ["y": 1]]),
            ("k=\"quoted\"", "quoted"),
            ("k=\"10\"", "10"),
            ("k=\"true\"", "true"),
            ("k=hello", "hello"),
            ("k=hello world", "hello world"),
            ("k=", ""),
            ("k=a=b", "a=b"),
            ("k=yes", "yes"),
            ("k=01", "01"),
            ("k=[1,", "[1,"),
            ("k=\"unterminated", "\"unterminated"),
            ("k=TRUE", "TRUE"),
        ] as [(String, JSONValue)])
    func readsValuesAsJSONOrAsAString(argument: String, expected: JSONValue) throws {
        let override = try Override(parsing: argument)
        #expect(override.value == expected)
        // Check the case too: "1" must be an integer and "\"10\"" a string, not merely equal-looking.
        #expect(override.value.typeDescription == expected.typeDescription)
    }

    @Test(
        arguments: [
            ("no-equals-sign", "expected KEY=VALUE"),
            ("", "expected KEY=VALUE"),
            ("=1", "empty key"),
            ("a..b=1", "empty key"),
            (".a=1", "empty key"),
            ("a.=1", "empty key"),
            ("a.b.=1", "empty key"),
            ("a[0]..b=1", "empty key"),
            ("a[0].=1", "empty key"),
            ("a[x]=1", "expected [index] with a number"),
            ("a[]=1", "expected [index] with a number"),
            ("a[-1]=1", "expected [index] with a number"),
            ("a[1=1", "expected [index] with a number"),
            ("a[1]b=1", "expected '.' or '[' after ]"),
            ("a[\"b.c]=1", "expected [\"key\"]"),
            ("a[\"b\"x]=1", "expected [\"key\"]"),
            ("a]=1", "unbalanced ]"),
            ("[0]=1", "the path must start with a key"),
            ("[0].a=1", "the path must start with a key"),
        ] as [(String, String)])
    func rejectsMalformedArguments(argument: String, reason: String) throws {
        let error = try #require(overrideError(argument))
        let diagnostic = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(diagnostic.code == "override.invalid")
        #expect(diagnostic.file == "(command line)")
        #expect(diagnostic.mark == nil)
        #expect(diagnostic.message.hasPrefix("--set \(argument): "))
        #expect(diagnostic.message.contains(reason), "\(diagnostic.message)")
    }
}

@Suite("--set overrides: applying")
struct OverrideApplyTests {
    private func apply(_ arguments: [String], to text: String = minimalManifest) throws -> Manifest {
        var manifest = try parseManifest(text)
        var overrides: [Override] = []
        for argument in arguments { overrides.append(try Override(parsing: argument)) }
        try Override.apply(overrides, to: &manifest)
        return manifest
    }

    /// Applies `argument`, expecting a conflict; records an issue and returns nil when it applies.
    private func conflict(_ argument: String, in text: String = minimalManifest) throws -> ManifestDiagnostic? {
        var manifest = try parseManifest(text)
        let override = try Override(parsing: argument)
        do {
            try Override.apply([override], to: &manifest)
        } catch {
            #expect(error.diagnostics.count == 1)
            return error.diagnostics.first
        }
        Issue.record("expected --set \(argument) to conflict, got \(manifest.value)")
        return nil
    }

    @Test func overwritesAnExistingValue() throws {
        let manifest = try apply(["pipeline.name=renamed", "version=2"])
        #expect(manifest.pipelineName == "renamed")
        #expect(manifest.value["version"] == 2)
        // The overwritten member keeps its place.
        #expect(manifest.value["pipeline"]?.objectValue?.keys == ["name", "destination", "dataset"])
    }

    @Test func createsIntermediateMappingsAndLists() throws {
        let manifest = try apply(["run.hooks.enable[1]=log", "run.hooks.config.log.level=\"debug\"", "x[0][1].y=true"])
        #expect(manifest.value["run"] == ["hooks": ["enable": [.null, "log"], "config": ["log": ["level": "debug"]]]])
        #expect(manifest.value["x"] == [[.null, ["y": true]]])
        #expect(manifest.value.objectValue?.keys.last == "x")
    }

    @Test func extendsAndReplacesInsideExistingLists() throws {
        let text = "items:\n  - a: 1\n  - b\n"
        let manifest = try apply(["items[0].c=2", "items[1]=[1]", "items[3]=end"], to: text)
        #expect(manifest.value["items"] == [["a": 1, "c": 2], [1], .null, "end"])
    }

    @Test func nullIsReplacedByANewContainer() throws {
        let manifest = try apply(["a.b=1", "l[0]=x"], to: "a: ~\nl: ~\n")
        #expect(manifest.value == ["a": ["b": 1], "l": ["x"]])
    }

    @Test func laterOverridesWin() throws {
        let manifest = try apply(["pipeline.name=first", "pipeline.name=second"])
        #expect(manifest.pipelineName == "second")
    }

    @Test(
        arguments: [
            ("pipeline.name.first=x", "cannot set key \"first\" inside a string", mark(3, 9)),
            ("version[0]=x", "cannot set index [0] inside an integer", mark(1, 10)),
            ("pipeline[0]=x", "cannot set index [0] inside a mapping", mark(3, 3)),
            ("source.kind.a.b=x", "cannot set key \"a\" inside a string", mark(7, 9)),
            ("pipeline.name[2000]=x", "cannot set index [2000] inside a string", mark(3, 9)),
            ("list[5000]=x", "index [5000] is too far past the end", mark(1, 1)),
        ] as [(String, String, YAMLMark)])
    func conflictsThroughAScalarAreErrors(argument: String, reason: String, expected: YAMLMark) throws {
        let diagnostic = try #require(try conflict(argument))
        #expect(diagnostic.code == "override.conflict")
        #expect(diagnostic.file == manifestFile)
        #expect(diagnostic.message == "--set \(argument): \(reason)")
        #expect(diagnostic.mark == expected)
        #expect(diagnostic.path == (try Override(parsing: argument)).path)
    }

    @Test func overriddenPathsAreMarked() throws {
        let manifest = try apply(["run.write_disposition=apend", "pipeline.name=x"])
        #expect(manifest.sourceMap.isOverridden(["run", "write_disposition"]))
        #expect(manifest.sourceMap.isOverridden(["pipeline", "name"]))
        #expect(manifest.sourceMap.isOverridden(["pipeline", "name", "below"]))
        #expect(!manifest.sourceMap.isOverridden(["pipeline"]))
        #expect(!manifest.sourceMap.isOverridden(["pipeline", "dataset"]))
        #expect(manifest.sourceMap.overridden == [["run", "write_disposition"], ["pipeline", "name"]])
    }

    @Test func diagnosticsAboutOverriddenValuesHaveNoMark() throws {
        let manifest = try apply(["run.write_disposition=apend", "pipeline.dataset=5"])
        let findings = ManifestValidator.validate(manifest)
        #expect(findings.count == 2)
        for finding in findings {
            #expect(finding.mark == nil)
            #expect(finding.message.hasSuffix(" (value set with --set)"))
            #expect(finding.description.hasPrefix("\(manifestFile): \(finding.severity.rawValue): "))
        }
        #expect(findings.map(\.code).sorted() == ["manifest.type", "manifest.write_disposition"])

        // A value written in the file still gets its mark and no suffix.
        let direct = manifest.diagnostic("test.code", "message", at: ["source", "kind"])
        #expect(direct.mark == mark(7, 9))
        #expect(direct.message == "message")
    }
}
