import Foundation

/// The folders a dotted spec is looked up in.
public struct PluginSearchPath: Sendable, Equatable {
    /// One folder to search, with where it came from.
    public struct Entry: Sendable, Equatable {
        /// The folder as written.
        public var written: String
        /// The absolute folder searched, or nil when the entry is skipped.
        public var folder: String?
        /// Why the entry is skipped, if it is.
        public var skipReason: String?
    }

    /// `DLTAF_PLUGIN_PATH` entries, searched first, mirroring the dotted name as folders.
    public var pluginPath: [Entry]
    /// `PATH` entries, searched for the installed name `dltaf-plugin-<a-b-c>`.
    public var systemPath: [Entry]
    /// The folder relative plugin-path entries and `./` specs are resolved against (the manifest's folder).
    public var baseDirectory: String

    /// Builds the search path from an environment.
    ///
    /// - Parameters:
    ///   - environment: the variables to read `DLTAF_PLUGIN_PATH` and `PATH` from.
    ///   - baseDirectory: the manifest's folder; relative `DLTAF_PLUGIN_PATH` entries are relative to it.
    public init(environment: [String: String], baseDirectory: String) {
        self.baseDirectory = baseDirectory
        pluginPath = (environment["DLTAF_PLUGIN_PATH"] ?? "").split(separator: ":").map { raw in
            let written = String(raw)
            let folder = written.hasPrefix("/") ? written : (baseDirectory as NSString).appendingPathComponent(written)
            return Entry(written: written, folder: (folder as NSString).standardizingPath, skipReason: nil)
        }
        // A relative PATH entry (including "" and ".") means the working directory, which is never searched.
        var seen: [String: Int] = [:]
        systemPath = (environment["PATH"] ?? "").split(separator: ":", omittingEmptySubsequences: false).enumerated()
            .map { index, raw in
                let written = String(raw)
                guard written.hasPrefix("/") else {
                    return Entry(
                        written: written, folder: nil,
                        skipReason: "relative PATH entry: the working directory is never searched")
                }
                let folder = (written as NSString).standardizingPath
                if let first = seen[folder] {
                    return Entry(written: written, folder: nil, skipReason: "same folder as PATH[\(first)]")
                }
                seen[folder] = index
                return Entry(written: written, folder: folder, skipReason: nil)
            }
        pluginPath = Self.dropRepeats(pluginPath)
    }

    /// Marks later entries naming an already listed folder as skipped, so a folder is searched once.
    private static func dropRepeats(_ entries: [Entry]) -> [Entry] {
        var seen: [String: Int] = [:]
        return entries.enumerated().map { index, entry in
            guard let folder = entry.folder else { return entry }
            if let first = seen[folder] {
                return Entry(
                    written: entry.written, folder: nil, skipReason: "same folder as DLTAF_PLUGIN_PATH[\(first)]")
            }
            seen[folder] = index
            return entry
        }
    }
}

/// One place a spec was looked for, and what was found there.
public struct ResolutionCandidate: Sendable, Equatable {
    /// What was found.
    public enum Verdict: Sendable, Equatable {
        /// This candidate is the plugin.
        case selected
        /// A valid plugin, hidden by an earlier one.
        case shadowed
        /// Nothing there.
        case notFound
        /// A file exists but cannot be executed.
        case notExecutable
        /// The entry was not searched.
        case skipped(String)
        /// A descriptor exists but is broken.
        case invalid(String)
    }

    /// The path that was checked.
    public var path: String
    /// Which search-path entry produced it (`DLTAF_PLUGIN_PATH[0]=plugins`, `PATH[3]=/usr/bin`).
    public var source: String
    /// What was found.
    public var verdict: Verdict
}

/// The outcome of resolving one spec: every candidate tried, and the winner if any.
public struct Resolution: Sendable, Equatable {
    /// The spec.
    public var spec: PluginSpec
    /// Every place looked at, in search order.
    public var candidates: [ResolutionCandidate]
    /// The plugin that will run.
    public var resolved: ResolvedPlugin?

    /// Why nothing was found, naming the places searched.
    public var failureMessage: String {
        let searched = candidates.filter { if case .skipped = $0.verdict { false } else { true } }
        var lines = ["plugin \"\(spec)\" not found"]
        if searched.isEmpty {
            lines.append("  no search path: set DLTAF_PLUGIN_PATH, or install \(spec.installedName ?? "it") on PATH")
        }
        for candidate in searched {
            let verdict: String
            switch candidate.verdict {
            case .notExecutable: verdict = "exists but is not executable (chmod +x)"
            case .invalid(let reason): verdict = reason
            default: verdict = "not found"
            }
            lines.append("  \(candidate.path) (\(candidate.source)): \(verdict)")
        }
        lines.append("  run `dltaf plugins which \(spec)` for details")
        return lines.joined(separator: "\n")
    }
}

/// Resolves specs to plugins on a search path (docs/plugins.md, "How a spec resolves").
public enum PluginResolver {
    /// Resolves `spec`, recording every candidate.
    public static func resolve(_ spec: PluginSpec, in searchPath: PluginSearchPath) -> Resolution {
        var candidates: [ResolutionCandidate] = []
        var winner: ResolvedPlugin?
        // An unsafe candidate stops the search: falling through to another copy would hide the problem.
        var refused = false
        func consider(_ path: String, source: String, found: () -> Result<ResolvedPlugin, ResolutionFailure>) {
            let outcome = found()
            if refused {
                if case .success = outcome {
                    candidates.append(
                        ResolutionCandidate(
                            path: path, source: source, verdict: .skipped("an earlier candidate was refused")))
                }
                return
            }
            switch outcome {
            case .success(let plugin):
                if let winner {
                    // The same file reached twice (a symlinked folder) does not shadow itself.
                    let sameFile = realPath(winner.location) == realPath(plugin.location)
                    candidates.append(
                        ResolutionCandidate(
                            path: path, source: source,
                            verdict: sameFile ? .skipped("same file as the selected one") : .shadowed))
                } else {
                    winner = plugin
                    candidates.append(ResolutionCandidate(path: path, source: source, verdict: .selected))
                }
            case .failure(let failure):
                candidates.append(ResolutionCandidate(path: path, source: source, verdict: failure.verdict))
                if failure.refusal, winner == nil { refused = true }
            }
        }

        switch spec {
        case .path(let written):
            let path =
                written.hasPrefix("/")
                ? written : (searchPath.baseDirectory as NSString).appendingPathComponent(written)
            let absolute = (path as NSString).standardizingPath
            consider(absolute, source: "explicit path") {
                inspectExplicit(absolute, spec: spec)
            }
        case .dotted(let segments):
            let relative = segments.joined(separator: "/")
            for (index, entry) in searchPath.pluginPath.enumerated() {
                // A relative entry says what it was resolved against: the one rule, visible where it matters.
                let base = entry.written.hasPrefix("/") ? "" : ", relative to \(searchPath.baseDirectory)"
                let source = "DLTAF_PLUGIN_PATH[\(index)]=\(entry.written)\(base)"
                guard let folder = entry.folder else {
                    candidates.append(
                        ResolutionCandidate(
                            path: entry.written, source: source, verdict: .skipped(entry.skipReason ?? "skipped")))
                    continue
                }
                let executable = (folder as NSString).appendingPathComponent(relative)
                consider(executable, source: source) {
                    inspectExecutable(executable, spec: spec, delivery: .pluginPathExecutable)
                }
                let descriptor = (executable as NSString).appendingPathComponent(PluginDescriptor.fileName)
                consider(descriptor, source: source) { inspectDescriptor(descriptor, spec: spec) }
            }
            if let name = spec.installedName {
                for (index, entry) in searchPath.systemPath.enumerated() {
                    let source = "PATH[\(index)]=\(entry.written)"
                    guard let folder = entry.folder else {
                        candidates.append(
                            ResolutionCandidate(
                                path: entry.written.isEmpty ? "(empty)" : entry.written, source: source,
                                verdict: .skipped(entry.skipReason ?? "skipped")))
                        continue
                    }
                    let path = (folder as NSString).appendingPathComponent(name)
                    consider(path, source: source) {
                        inspectExecutable(path, spec: spec, delivery: .installedBinary)
                    }
                }
            }
        }
        return Resolution(spec: spec, candidates: candidates, resolved: winner)
    }

    private static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Why a plugin file is unsafe to run: it, or the folder holding it, can be changed by any user.
    /// Symbolic links are followed, so the check applies to the real file.
    static func writableByOthers(_ path: String) -> String? {
        let real = realPath(path)
        for (what, candidate) in [("file", real), ("folder", (real as NSString).deletingLastPathComponent)] {
            var status = stat()
            guard stat(candidate, &status) == 0 else { continue }
            if status.st_mode & S_IWOTH != 0 {
                return "refused: the plugin \(what) \(candidate) is writable by other users, so anyone could change "
                    + "what dltaf runs. Fix it with: chmod o-w \(candidate)"
            }
        }
        return nil
    }

    private struct ResolutionFailure: Error {
        var verdict: ResolutionCandidate.Verdict
        /// A candidate that exists but must not run (unsafe permissions).
        var refusal = false
    }

    private static func inspectExplicit(_ path: String, spec: PluginSpec) -> Result<ResolvedPlugin, ResolutionFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ResolutionFailure(verdict: .notFound))
        }
        if isDirectory.boolValue {
            return inspectDescriptor((path as NSString).appendingPathComponent(PluginDescriptor.fileName), spec: spec)
                .map { plugin in
                    var plugin = plugin
                    plugin.delivery = .explicitPath
                    return plugin
                }
        }
        if path.hasSuffix(".json") {
            return inspectDescriptor(path, spec: spec).map { plugin in
                var plugin = plugin
                plugin.delivery = .explicitPath
                return plugin
            }
        }
        return inspectExecutable(path, spec: spec, delivery: .explicitPath)
    }

    private static func inspectExecutable(
        _ path: String, spec: PluginSpec, delivery: ResolvedPlugin.Delivery
    ) -> Result<ResolvedPlugin, ResolutionFailure> {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            return .failure(ResolutionFailure(verdict: .notFound))
        }
        guard access(path, X_OK) == 0 else { return .failure(ResolutionFailure(verdict: .notExecutable)) }
        if let unsafe = writableByOthers(path) {
            return .failure(ResolutionFailure(verdict: .invalid(unsafe), refusal: true))
        }
        return .success(
            ResolvedPlugin(
                spec: spec, delivery: delivery, location: path, executable: path,
                pluginDirectory: (path as NSString).deletingLastPathComponent))
    }

    private static func inspectDescriptor(_ path: String, spec: PluginSpec) -> Result<ResolvedPlugin, ResolutionFailure>
    {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(ResolutionFailure(verdict: .notFound))
        }
        if let unsafe = writableByOthers(path) {
            return .failure(ResolutionFailure(verdict: .invalid(unsafe), refusal: true))
        }
        let descriptor: PluginDescriptor
        do {
            descriptor = try PluginDescriptor(contentsOf: path)
        } catch {
            return .failure(ResolutionFailure(verdict: .invalid(error.reason)))
        }
        let folder = (path as NSString).deletingLastPathComponent
        // The files the command names (a script, a jar) must be as safe as the descriptor itself.
        for word in descriptor.command where word.hasPrefix("/") && FileManager.default.fileExists(atPath: word) {
            if let unsafe = writableByOthers(word) {
                return .failure(ResolutionFailure(verdict: .invalid(unsafe), refusal: true))
            }
        }
        var executable = descriptor.command[0]
        if executable.contains("/"), !executable.hasPrefix("/") {
            executable = ((folder as NSString).appendingPathComponent(executable) as NSString).standardizingPath
        }
        return .success(
            ResolvedPlugin(
                spec: spec, delivery: .pluginPathDescriptor, location: path, executable: executable,
                arguments: Array(descriptor.command.dropFirst()), environment: descriptor.environment,
                pluginDirectory: folder))
    }
}
