import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("dltaf plugins list | which | describe")
struct PluginsCommandTests {
    @Test("list shows built-ins, then each plugin's runners, hooks and checks with origin and protocol")
    func list() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Fixtures.manifest(run: "hooks: {plugins: [acme.hooks]}"))
        let output = try await workspace.dltaf(["plugins", "list", "--manifest", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = try output.json()["extensions"]?.arrayValue ?? []
        let summary = rows.map {
            "\($0["kind"]?.stringValue ?? "") \($0["name"]?.stringValue ?? "") \($0["origin"]?.stringValue ?? "")"
        }
        #expect(
            summary == [
                "hook log builtin", "check tcp builtin", "check http builtin", "check postgres builtin",
                "check sqlite builtin", "check env builtin", "check path builtin", "runner sqldb builtin",
                "runner sql_database builtin", "runner oracle_custom_sql builtin", "runner oracle builtin",
                "runner acme plugin:acme.runner",
                "hook first plugin:acme.hooks",
                "hook second plugin:acme.hooks",
            ])
        #expect(rows.last?["protocol_version"] == 1)
        let table = try await workspace.dltaf(["plugins", "list", "--manifest", "m.yaml"])
        #expect(table.stdout.hasPrefix("KIND"))
        #expect(table.stdout.contains("plugin:acme.hooks"))
    }

    @Test("describe performs the handshake and prints what the plugin provides")
    func describe() async throws {
        let workspace = try Fixtures.workspace()
        defer { workspace.remove() }
        let output = try await workspace.dltaf(["plugins", "describe", "acme.hooks", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let description = try output.json()
        #expect(description["plugin"]?["name"] == "acme-hooks")
        #expect(description["protocol_version"] == 1)
        #expect(description["provides"]?["hooks"]?.arrayValue?.count == 2)
        #expect(description["exit"] == "exited with status 0")
        let text = try await workspace.dltaf(["plugins", "describe", "acme.hooks"])
        #expect(text.stdout.contains("hook    first [pre_run, post_run, on_error]"))
    }

    @Test("which explains a miss: every candidate, and relative PATH entries skipped")
    func whichMiss() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("dltaf-plugin-x-y", "#!/bin/sh\n", executable: true)
        let output = try await workspace.dltaf(
            ["plugins", "which", "x.y"], environment: ["PATH": ".:" + (workspace.environment()["PATH"] ?? "")])
        #expect(output.status == 1)
        #expect(output.stdout.contains("installed name: dltaf-plugin-x-y"))
        #expect(output.stdout.contains("skipped (relative PATH entry: the working directory is never searched)"))
        #expect(output.stdout.contains("not found"))
    }
}
