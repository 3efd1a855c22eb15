import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("plugin specs: env and manifest merging, resolution order, duplicates")
struct PluginResolutionTests {
    @Test("DLT_*_PLUGINS come first, manifest specs after, a repeated spec starts one process")
    func environmentAndManifestMerge() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            Fixtures.manifest(run: "hooks: {enable: [first], plugins: [acme.hooks, acme.runner]}"))
        let output = try await workspace.dltaf(
            ["exec", "m.yaml", "--json"], environment: ["DLT_HOOK_PLUGINS": "acme.runner; acme.hooks\n"])
        #expect(output.status == 0, "\(output.stderr)")
        let plugins = try output.json()["plugins"]?.arrayValue ?? []
        #expect(plugins.compactMap { $0["spec"]?.stringValue } == ["acme.runner", "acme.hooks"])
        let origins = plugins.first?["origins"]?.arrayValue?.compactMap(\.stringValue)
        #expect(origins == ["manifest:run.runners.plugins", "env:DLT_HOOK_PLUGINS"])
        #expect(workspace.read("calls.log").contains("first:pre_run"))
    }

    @Test("a runner given only through DLT_RUNNER_PLUGINS validates and runs (the Python dltaf's flaw 6)")
    func runnerFromEnvironmentOnly() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        let manifest = Fixtures.manifest().replacingOccurrences(
            of: "  runners:\n    plugins: [acme.runner]\n", with: "")
        try workspace.write("m.yaml", manifest)
        let without = try await workspace.dltaf(["exec", "m.yaml", "--validate-only"])
        #expect(without.status == 2)
        #expect(without.stderr.contains("no runner for source.kind \"acme\""))
        let with = try await workspace.dltaf(
            ["exec", "m.yaml", "--validate-only"], environment: ["DLT_RUNNER_PLUGINS": "acme.runner"])
        #expect(with.status == 0, "\(with.stderr)")
    }

    @Test("the first DLTAF_PLUGIN_PATH entry wins; later ones and PATH are shadowed")
    func shadowing() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(
            spec: "acme.runner", name: "second-copy", pluginRoot: "more", body: Fixtures.runnerBody)
        try workspace.write("bin/dltaf-plugin-acme-runner", "#!/bin/sh\nexit 1\n", executable: true)
        try workspace.write("m.yaml", Fixtures.manifest())
        let environment = [
            "DLTAF_PLUGIN_PATH": "more:plugins",
            "PATH": workspace.path("bin") + ":" + (workspace.environment()["PATH"] ?? ""),
        ]
        let run = try await workspace.dltaf(["exec", "m.yaml", "--json"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try run.json()["plugins"]?[0]?["name"] == "second-copy")
        let which = try await workspace.dltaf(
            ["plugins", "which", "acme.runner", "--json", "--manifest", "m.yaml"], environment: environment)
        #expect(which.status == 0, "\(which.stderr)")
        let candidates = try which.json()["candidates"]?.arrayValue ?? []
        let chosen = candidates.filter { $0["verdict"] == "selected" }.compactMap { $0["path"]?.stringValue }
        #expect(chosen == [workspace.path("more/acme/runner/dltaf-plugin.json")])
        let shadowed = candidates.filter { $0["verdict"] == "shadowed" }.compactMap { $0["path"]?.stringValue }
        #expect(
            shadowed == [
                workspace.path("plugins/acme/runner/dltaf-plugin.json"), workspace.path("bin/dltaf-plugin-acme-runner"),
            ])
    }

    @Test("two plugins providing the same runner kind is an error naming both")
    func duplicateKinds() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "other.runner", body: Fixtures.runnerBody)
        try workspace.write("m.yaml", Fixtures.manifest())
        let output = try await workspace.dltaf(
            ["exec", "m.yaml", "--json"], environment: ["DLT_RUNNER_PLUGINS": "other.runner"])
        #expect(output.status == 2)
        let message = try output.json()["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("runner kind \"acme\" is provided twice"))
        #expect(message.contains("plugin:other.runner"))
        #expect(message.contains("plugin:acme.runner"))
    }

    @Test("a plugin may not take a built-in name")
    func builtinNameTaken() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "fake.log", body: "@plugin.hook(\"log\")\ndef log(call):\n    pass")
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {plugins: [fake.log]}"))
        let output = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("hook \"log\" is provided twice: by builtin"))
    }

    @Test("a spec that resolves nowhere names every place searched; path tricks are refused")
    func notFoundAndPathTricks() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {plugins: [nope.missing]}"))
        let missing = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("plugin \"nope.missing\" not found"))
        #expect(missing.stderr.contains(workspace.path("plugins/nope/missing")))
        #expect(missing.stderr.contains("listed in manifest:run.hooks.plugins"))
        try workspace.write("t.yaml", Fixtures.manifest(run: "hooks: {plugins: [\"../../etc/passwd\"]}"))
        let tricky = try await workspace.dltaf(["exec", "t.yaml"])
        #expect(tricky.status == 2)
        #expect(tricky.stderr.contains("t.yaml:"))
        #expect(tricky.stderr.contains("a path must start with './' or '/'"))
    }

    @Test("an explicit ./path spec resolves against the manifest's folder, not the working directory")
    func explicitPath() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.pythonPlugin(spec: "local.runner", pluginRoot: "pipelines", body: Fixtures.runnerBody)
        try workspace.write(
            "pipelines/m.yaml",
            Fixtures.manifest().replacingOccurrences(of: "[acme.runner]", with: "[./local/runner]"))
        let output = try await workspace.dltaf(["exec", "pipelines/m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try output.json()["plugins"]?[0]?["delivery"] == "explicit path")
    }
}
