import Crypto
public import DltafJSON
import Foundation

/// `dltaf-plugins.lock`: the real path and sha256 of every file each plugin runs, recorded next to the
/// manifests by `dltaf plugins lock` and enforced by `dltaf exec --locked`.
///
/// For an executable that is the file itself; for a descriptor it is the descriptor plus every file its
/// command names by absolute path (the script, the jar). Integrity, not secrecy: a changed plugin is refused
/// until someone reviews it and locks again.
public struct PluginLock: Sendable, Equatable {
    /// The lock file's name.
    public static let fileName = "dltaf-plugins.lock"

    /// One locked plugin.
    public struct Entry: Sendable, Equatable {
        /// How it was found.
        public var delivery: String
        /// The executable or descriptor, real path.
        public var location: String
        /// Real path → sha256 (hex) of every file it runs.
        public var files: [String: String]
    }

    /// Locked plugins by spec.
    public var plugins: [String: Entry]

    /// An empty lock.
    public init(plugins: [String: Entry] = [:]) {
        self.plugins = plugins
    }

    /// Why a lock could not be read or does not match.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// For people.
        public var description: String

        /// Creates a problem.
        public init(description: String) {
            self.description = description
        }
    }

    /// The entry describing what `plugin` runs now.
    public static func entry(for plugin: ResolvedPlugin) throws(Problem) -> Entry {
        var paths = [plugin.location]
        if plugin.delivery == .pluginPathDescriptor || plugin.location.hasSuffix(".json") {
            paths += ([plugin.executable] + plugin.arguments).filter {
                $0.hasPrefix("/") && FileManager.default.fileExists(atPath: $0)
            }
        }
        var files: [String: String] = [:]
        for path in paths {
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            files[real] = try sha256(ofFile: real)
        }
        let location = URL(fileURLWithPath: plugin.location).resolvingSymlinksInPath().path
        return Entry(delivery: plugin.delivery.rawValue, location: location, files: files)
    }

    /// The hex sha256 of a file, read in chunks.
    public static func sha256(ofFile path: String) throws(Problem) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Problem(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw Problem(description: "cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Checks that `plugin` still matches its entry.
    ///
    /// - Throws: a `Problem` naming the file whose hash changed, or the spec missing from the lock.
    public func verify(_ plugin: ResolvedPlugin, lockPath: String) throws(Problem) {
        let spec = plugin.spec.description
        guard let locked = plugins[spec] else {
            throw Problem(
                description: "plugin \(spec) is not in \(lockPath); review it, then run `dltaf plugins lock` to add it")
        }
        let current = try Self.entry(for: plugin)
        guard current.location == locked.location else {
            throw Problem(
                description: "plugin \(spec) now resolves to \(current.location), but \(lockPath) locked "
                    + "\(locked.location); review the change, then run `dltaf plugins lock`")
        }
        for (path, hash) in current.files.sorted(by: { $0.key < $1.key }) where locked.files[path] != hash {
            let was = locked.files[path].map { "sha256 \($0.prefix(12))…" } ?? "not locked"
            throw Problem(
                description: "plugin \(spec) changed since it was locked: \(path) has sha256 \(hash.prefix(12))…, "
                    + "\(lockPath) says \(was); review the change, then run `dltaf plugins lock`")
        }
    }

    /// Reads a lock file.
    public static func read(from path: String) throws(Problem) -> PluginLock {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "no lock file at \(path); create it with `dltaf plugins lock`")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse([UInt8](data))
        } catch {
            throw Problem(description: "\(path) is not valid JSON: \(error)")
        }
        guard json["lock_version"]?.intValue == 1, let entries = json["plugins"]?.objectValue else {
            throw Problem(description: "\(path) is not a version 1 dltaf lock file")
        }
        var plugins: [String: Entry] = [:]
        for (spec, value) in entries {
            var files: [String: String] = [:]
            for (file, hash) in value["files"]?.objectValue ?? JSONObject() { files[file] = hash.stringValue ?? "" }
            plugins[spec] = Entry(
                delivery: value["delivery"]?.stringValue ?? "", location: value["location"]?.stringValue ?? "",
                files: files)
        }
        return PluginLock(plugins: plugins)
    }

    /// The lock file's JSON text (sorted, so that it diffs well in review).
    public var json: JSONValue {
        var entries = JSONObject()
        for spec in plugins.keys.sorted() {
            guard let entry = plugins[spec] else { continue }
            var files = JSONObject()
            for path in entry.files.keys.sorted() { files[path] = .string(entry.files[path] ?? "") }
            entries[spec] = [
                "delivery": .string(entry.delivery), "location": .string(entry.location), "files": .object(files),
            ]
        }
        return ["lock_version": 1, "plugins": .object(entries)]
    }
}
