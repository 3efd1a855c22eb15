import Foundation

/// The one rule for which files of a folder are manifests, shared by every command that takes a folder
/// (`manifest lint`, `manifest doctor`).
public enum ManifestFiles {
    /// The file name endings that mark a manifest, compared case-sensitively like the Python dltaf's globs.
    public static let extensions = [".yaml", ".yml"]

    /// `path` is not a folder that can be listed.
    public struct NotAFolder: Error, Sendable, CustomStringConvertible {
        /// The path as given.
        public var path: String

        /// `not a folder: <path>`.
        public var description: String { "not a folder: \(path)" }
    }

    /// Whether `path` is an existing folder (symbolic links followed).
    public static func isFolder(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    /// Whether a file name ends in `.yaml` or `.yml`.
    public static func isManifestName(_ name: String) -> Bool {
        extensions.contains { name.hasSuffix($0) }
    }

    /// The manifests directly inside `folder` (no recursion): regular files (or links to them) whose names end
    /// in `.yaml` or `.yml`, sorted by the UTF-8 bytes of their names so the order is the same on every system.
    ///
    /// - Returns: each file as `folder/name`, relative when `folder` is.
    /// - Throws: `NotAFolder` when `folder` does not exist, is a file, or cannot be read.
    public static func discover(in folder: String) throws(NotAFolder) -> [String] {
        guard isFolder(folder), let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw NotAFolder(path: folder)
        }
        return names.filter(isManifestName)
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { !isFolder($0) }
    }

    /// `paths` with each folder replaced by its manifests (`discover`), files kept as given; all made absolute
    /// (`ManifestLoader.absolutePath`), in the order given.
    public static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path in
            guard isFolder(path) else { return [ManifestLoader.absolutePath(path)] }
            return ((try? discover(in: path)) ?? []).map(ManifestLoader.absolutePath)
        }
    }
}
