import DltafPluginHost
import Testing

/// Parses `text` expecting a refusal; records an issue and returns nil when it parses.
private func specError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> PluginSpec.Invalid? {
    do {
        let spec = try PluginSpec(parsing: text)
        Issue.record("expected \(text.debugDescription) to be refused, got \(spec)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("PluginSpec")
struct PluginSpecTests {
    @Test(
        arguments: [
            ("a", ["a"]),
            ("a.b.c", ["a", "b", "c"]),
            (
                "internal.dltaf_plugins.customer_export.runner_plugin",
                ["internal", "dltaf_plugins", "customer_export", "runner_plugin"]
            ),
            ("_private._x1", ["_private", "_x1"]),
            ("A.Bc.D9", ["A", "Bc", "D9"]),
            ("  a.b\t\n", ["a", "b"]),
        ] as [(String, [String])])
    func dottedNames(text: String, segments: [String]) throws {
        let spec = try PluginSpec(parsing: text)
        #expect(spec == .dotted(segments))
        #expect(spec.description == segments.joined(separator: "."))
        #expect(spec.installedName == "dltaf-plugin-" + segments.joined(separator: "-"))
    }

    @Test(
        arguments: [
            ("./x", "./x"),
            ("./plugins/hook.py", "./plugins/hook.py"),
            ("./a/./b", "./a/./b"),
            ("./..hidden", "./..hidden"),
            ("/abs/x", "/abs/x"),
            ("/abs/x..y/z", "/abs/x..y/z"),
            (" /abs/with space ", "/abs/with space"),
        ] as [(String, String)])
    func explicitPaths(text: String, path: String) throws {
        let spec = try PluginSpec(parsing: text)
        #expect(spec == .path(path))
        #expect(spec.description == path)
        #expect(spec.installedName == nil)
    }

    @Test(
        arguments: [
            ("", "it is empty"),
            ("   ", "it is empty"),
            ("a..b", "empty segment"),
            (".a", "empty segment"),
            ("a.", "empty segment"),
            (".", "empty segment"),
            ("1a.b", "segment \"1a\""),
            ("a.2b", "segment \"2b\""),
            ("a-b.c", "segment \"a-b\""),
            ("a b", "segment \"a b\""),
            ("é.b", "segment \"é\""),
            ("a.b$", "segment \"b$\""),
            ("a/b", "must start with './' or '/'"),
            ("../x", "must start with './' or '/'"),
            ("..", "empty segment"),
            ("~/x", "must start with './' or '/'"),
            ("./a/../b", "'..' is not allowed"),
            ("./..", "'..' is not allowed"),
            ("/abs/../x", "'..' is not allowed"),
            ("./x/", "must name a file, not a folder"),
            ("/abs/dir/", "must name a file, not a folder"),
            ("/", "must name a file, not a folder"),
            ("./", "must name a file, not a folder"),
            ("a\u{0}b", "NUL"),
            ("./x\u{0}", "NUL"),
        ] as [(String, String)])
    func rejected(text: String, reason: String) throws {
        let error = try #require(specError(text))
        #expect(error.spec == text)
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(error.description == "invalid plugin spec \"\(text)\": \(error.reason)")
    }

    @Test func installedNamesAreDistinctForDistinctSpecs() throws {
        let names = try ["a_b.c", "a.b_c", "a.b.c", "ab.c"].map { try PluginSpec(parsing: $0).installedName }
        #expect(names == ["dltaf-plugin-a_b-c", "dltaf-plugin-a-b_c", "dltaf-plugin-a-b-c", "dltaf-plugin-ab-c"])
        #expect(Set(names).count == names.count)
    }
}

@Suite("PluginSpecList")
struct PluginSpecListTests {
    @Test(
        arguments: [
            ("a,b;c\nd", ["a", "b", "c", "d"]),
            ("a\r\nb", ["a", "b"]),
            ("  a.b , ,; \n\t ./x  ", ["a.b", "./x"]),
            ("", []),
            (",,;;\n\n", []),
            ("single", ["single"]),
            ("a b", ["a b"]),
        ] as [(String, [String])])
    func splitsEnvironmentValues(value: String, expected: [String]) {
        #expect(PluginSpecList.split(environmentValue: value) == expected)
    }

    @Test func mergePutsEnvironmentFirstAndDropsDuplicates() throws {
        let entries = try PluginSpecList.merge(
            kind: .hooks, environmentValue: "team.audit, ./local/hook; team.audit",
            manifestSpecs: ["./local/hook", "extra.hook", " ", "", " team.audit ", "extra.hook", "/abs/hook"])
        #expect(entries.map(\.spec.description) == ["team.audit", "./local/hook", "extra.hook", "/abs/hook"])
        let fromEnvironment = SpecOrigin.environment("DLT_HOOK_PLUGINS")
        let fromManifest = SpecOrigin.manifest("run.hooks.plugins")
        #expect(entries.map(\.origin) == [fromEnvironment, fromEnvironment, fromManifest, fromManifest])
        #expect(
            entries.first
                == SpecEntry(spec: .dotted(["team", "audit"]), origin: .environment("DLT_HOOK_PLUGINS")))
    }

    @Test func mergeWithoutEnvironment() throws {
        let entries = try PluginSpecList.merge(
            kind: .runners, environmentValue: nil, manifestSpecs: ["r.one", "r.two"])
        #expect(entries.map(\.spec) == [.dotted(["r", "one"]), .dotted(["r", "two"])])
        #expect(entries.allSatisfy { $0.origin == .manifest("run.runners.plugins") })
        #expect(try PluginSpecList.merge(kind: .checks, environmentValue: " ; ", manifestSpecs: []).isEmpty)
    }

    @Test func mergeEnvironmentOriginNamesTheVariable() throws {
        let entries = try PluginSpecList.merge(kind: .checks, environmentValue: "c.tcp", manifestSpecs: ["c.tcp"])
        #expect(entries.count == 1)
        #expect(entries.first?.origin.description == "env:DLT_INFRA_CHECK_PLUGINS")
    }

    @Test(
        arguments: [
            ("bad-name", [] as [String]),
            ("ok.one", ["./a/../b"]),
            (nil, ["fine", "1bad"]),
        ] as [(String?, [String])])
    func mergeThrowsForTheFirstInvalidSpec(environment: String?, manifest: [String]) {
        #expect(throws: PluginSpec.Invalid.self) {
            try PluginSpecList.merge(kind: .hooks, environmentValue: environment, manifestSpecs: manifest)
        }
    }

    @Test func invalidSpecErrorNamesTheSpec() {
        do {
            _ = try PluginSpecList.merge(kind: .hooks, environmentValue: "good.one,bad-one", manifestSpecs: [])
            Issue.record("expected an invalid spec error")
        } catch {
            #expect(error.spec == "bad-one")
        }
    }

    @Test(
        arguments: [
            (PluginRegistryKind.runners, "DLT_RUNNER_PLUGINS", "run.runners.plugins"),
            (.hooks, "DLT_HOOK_PLUGINS", "run.hooks.plugins"),
            (.checks, "DLT_INFRA_CHECK_PLUGINS", "run.online_checks.plugins"),
        ] as [(PluginRegistryKind, String, String)])
    func registryKinds(kind: PluginRegistryKind, variable: String, key: String) {
        #expect(kind.environmentVariable == variable)
        #expect(kind.manifestKey == key)
    }

    @Test func originDescriptions() {
        #expect(SpecOrigin.environment("X").description == "env:X")
        #expect(SpecOrigin.manifest("run.hooks.plugins").description == "manifest:run.hooks.plugins")
        #expect(SpecOrigin.commandLine.description == "command line")
    }
}
