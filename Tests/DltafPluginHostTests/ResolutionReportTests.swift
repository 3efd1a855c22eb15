import DltafJSON
import DltafPluginHost
import Foundation
import Testing

@Suite("Resolution.report and .json: what `dltaf plugins which` prints")
struct ResolutionReportTests {
    @Test("the winner, the shadowed candidate and the folders without the plugin, in search order")
    func resolved() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("plugins/a/b")
        try sandbox.file("bin/dltaf-plugin-a-b")
        let plugins = sandbox.path("plugins")
        let empty = try sandbox.folder("empty")
        let bin = sandbox.path("bin")
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]), in: sandbox.searchPath(pluginPath: "\(empty):\(plugins)", path: bin))
        let winner = sandbox.path("plugins/a/b")
        let lines = resolution.report.split(separator: "\n").map(String.init)
        #expect(lines.first == "spec: a.b")
        #expect(lines[1] == "installed name: dltaf-plugin-a-b")
        #expect(lines[2] == "candidates, in search order:")
        #expect(lines.contains { $0.hasPrefix("  not found      \(empty)/a/b  [DLTAF_PLUGIN_PATH[0]") })
        #expect(lines.contains { $0.hasPrefix("  selected       \(winner)  [DLTAF_PLUGIN_PATH[1]") })
        #expect(lines.contains { $0.hasPrefix("  shadowed       \(bin)/dltaf-plugin-a-b  [PATH[0]") })
        #expect(lines.suffix(2) == ["resolved: \(winner) (plugin-path executable)", "command: \(winner)"])

        let json = resolution.json
        #expect(json["spec"]?.stringValue == "a.b")
        #expect(json["installed_name"]?.stringValue == "dltaf-plugin-a-b")
        let candidates = json["candidates"]?.arrayValue ?? []
        #expect(candidates.count == resolution.candidates.count)
        let verdicts = candidates.compactMap { $0["verdict"]?.stringValue }
        #expect(verdicts.first == "not_found")
        #expect(verdicts.filter { $0 == "selected" || $0 == "shadowed" } == ["selected", "shadowed"])
        #expect(candidates.first { $0["verdict"]?.stringValue == "selected" }?["path"]?.stringValue == winner)
        #expect(json["resolved"]?["location"]?.stringValue == winner)
        #expect(json["resolved"]?["command"]?.arrayValue == [.string(winner)])
    }

    @Test("nothing found: `not found` and a null resolved")
    func notFound() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("plugins/a/b", executable: false)
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]), in: sandbox.searchPath(pluginPath: sandbox.path("plugins"), path: ""))
        #expect(resolution.report.hasSuffix("\nnot found"))
        #expect(resolution.report.contains("  not executable \(sandbox.path("plugins/a/b"))"))
        #expect(resolution.json["resolved"] == .null)
        #expect(resolution.json["candidates"]?.arrayValue?.first?["verdict"]?.stringValue == "not_executable")
        #expect(ResolutionCandidate.Verdict.invalid("bad").marker == "invalid (bad)")
    }
}
