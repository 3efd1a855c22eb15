import DltafPluginHost
import Foundation
import Testing

@Suite("resolution refuses plugins other users can change")
struct ResolutionHygieneTests {
    @Test("a world-writable executable is refused with the fix, and no later copy is used instead")
    func worldWritableFile() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let unsafe = try sandbox.file("plugins/a/b")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: unsafe)
        try sandbox.file("bin/dltaf-plugin-a-b")
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]), in: sandbox.searchPath(pluginPath: sandbox.path("plugins"), path: sandbox.path("bin")))
        #expect(resolution.resolved == nil)
        #expect(resolution.failureMessage.contains("is writable by other users"))
        #expect(resolution.failureMessage.contains("chmod o-w \(unsafe)"))
        #expect(
            resolution.candidates.contains {
                $0.path == sandbox.path("bin/dltaf-plugin-a-b")
                    && $0.verdict == .skipped("an earlier candidate was refused")
            })
    }

    @Test("a descriptor in a world-writable folder is refused")
    func worldWritableFolder() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.descriptor("plugins/a/b", json: #"{"command": ["/bin/true"]}"#)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: sandbox.path("plugins/a/b"))
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]), in: sandbox.searchPath(pluginPath: sandbox.path("plugins")))
        #expect(resolution.resolved == nil)
        #expect(resolution.failureMessage.contains("chmod o-w \(sandbox.path("plugins/a/b"))"))
    }

    @Test("group-writable is allowed: only other users matter")
    func groupWritable() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let file = try sandbox.file("plugins/a/b")
        try FileManager.default.setAttributes([.posixPermissions: 0o775], ofItemAtPath: file)
        let resolution = PluginResolver.resolve(
            .dotted(["a", "b"]), in: sandbox.searchPath(pluginPath: sandbox.path("plugins")))
        #expect(resolution.resolved?.location == file)
    }
}
