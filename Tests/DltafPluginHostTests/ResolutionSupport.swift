import DltafPluginHost
import Foundation
import Testing

/// A unique temporary folder for one test; call `remove()` in a `defer`.
struct ResolutionSandbox {
    /// The folder, absolute, without symlinks.
    let root: String

    init() throws {
        let base = (NSTemporaryDirectory() as NSString).resolvingSymlinksInPath
        let folder = (base as NSString).appendingPathComponent("dltaf-resolution-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        root = ((folder as NSString).resolvingSymlinksInPath as NSString).standardizingPath
    }

    /// Deletes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The absolute path of `relative` inside the sandbox.
    func path(_ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }

    /// Creates a folder (and its parents); returns its absolute path.
    @discardableResult
    func folder(_ relative: String) throws -> String {
        let folder = path(relative)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes a file (creating its folder) with the given permissions; returns its absolute path.
    @discardableResult
    func file(_ relative: String, contents: String = "#!/bin/sh\nexit 0\n", executable: Bool = true) throws -> String {
        let file = path(relative)
        try folder((relative as NSString).deletingLastPathComponent)
        guard FileManager.default.createFile(atPath: file, contents: Data(contents.utf8)) else {
            throw SandboxError(message: "cannot create \(file)")
        }
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: file)
        return file
    }

    /// Writes `dltaf-plugin.json` into folder `relative`; returns the descriptor's path.
    @discardableResult
    func descriptor(_ relative: String, json: String) throws -> String {
        try file(
            (relative as NSString).appendingPathComponent(PluginDescriptor.fileName), contents: json, executable: false)
    }

    /// The search path for `DLTAF_PLUGIN_PATH` and `PATH`, with the sandbox as the base directory.
    func searchPath(pluginPath: String? = nil, path: String? = nil, baseDirectory: String? = nil) -> PluginSearchPath {
        var environment: [String: String] = [:]
        environment["DLTAF_PLUGIN_PATH"] = pluginPath
        environment["PATH"] = path
        return PluginSearchPath(environment: environment, baseDirectory: baseDirectory ?? root)
    }
}

struct SandboxError: Error {
    var message: String
}

/// A resolution candidate reduced to comparable parts.
struct CandidateSummary: Equatable, CustomStringConvertible {
    var path: String
    var source: String
    var verdict: ResolutionCandidate.Verdict

    init(_ path: String, _ source: String, _ verdict: ResolutionCandidate.Verdict) {
        self.path = path
        self.source = source
        self.verdict = verdict
    }

    init(_ candidate: ResolutionCandidate) {
        self.init(candidate.path, candidate.source, candidate.verdict)
    }

    var description: String { "\(path) (\(source)): \(verdict)" }
}

/// A parsed spec, failing the test when it does not parse.
func parsedSpec(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> PluginSpec {
    do {
        return try PluginSpec(parsing: text)
    } catch {
        Issue.record("spec \(text) did not parse: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// `absolute` written relative to the working directory (`../../tmp/...`), so that a relative entry names a real
/// folder without changing the working directory.
func relativeToWorkingDirectory(_ absolute: String) -> String {
    let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
    return String(repeating: "../", count: depth) + absolute.dropFirst()
}
