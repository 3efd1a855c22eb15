import DltafPluginHost
import Foundation
import Testing

@Suite("resolution searches each folder once and never lets a file shadow itself")
struct ResolutionDedupTests {
    @Test("a folder repeated in PATH or DLTAF_PLUGIN_PATH is searched once")
    func repeatedFolders() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("bin/dltaf-plugin-a-b")
        try sandbox.file("plugins/a/b")
        let bin = sandbox.path("bin")
        let plugins = sandbox.path("plugins")
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]),
            in: sandbox.searchPath(pluginPath: "\(plugins):\(plugins)/", path: "\(bin):\(bin)/"))
        let verdicts = resolution.candidates.map { "\($0.source) \($0.verdict)" }
        #expect(resolution.resolved?.location == sandbox.path("plugins/a/b"))
        #expect(verdicts.contains("DLTAF_PLUGIN_PATH[1]=\(plugins)/ skipped(\"same folder as DLTAF_PLUGIN_PATH[0]\")"))
        #expect(verdicts.contains("PATH[1]=\(bin)/ skipped(\"same folder as PATH[0]\")"))
        #expect(
            resolution.candidates.filter { $0.verdict == .shadowed }.map(\.path) == [
                sandbox.path("bin/dltaf-plugin-a-b")
            ])
    }

    @Test("a symlinked folder is the same folder, and a symlinked file does not shadow itself")
    func symlinks() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("plugins/a/b")
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.path("alias"), withDestinationPath: sandbox.path("plugins"))
        try sandbox.folder("other/a")
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.path("other/a/b"), withDestinationPath: sandbox.path("plugins/a/b"))
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]),
            in: sandbox.searchPath(
                pluginPath: [sandbox.path("plugins"), sandbox.path("alias"), sandbox.path("other")].joined(
                    separator: ":"),
                path: "/nonexistent"))
        let verdicts = resolution.candidates.map(\.verdict)
        #expect(verdicts.contains(.skipped("same folder as DLTAF_PLUGIN_PATH[0]")))
        #expect(verdicts.contains(.skipped("same file as the selected one")))
        #expect(!verdicts.contains(.shadowed))
    }
}
