import Foundation

/// Writes whole files through a temporary file in the same folder and a rename, so a reader sees the old file or
/// the new one, never half of either.
public enum AtomicFile {
    /// Why a write failed.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        /// The file that was to be written.
        public var file: String
        /// What went wrong (the system's words).
        public var reason: String

        /// `file: reason`.
        public var description: String { "\(file): \(reason)" }
    }

    /// Replaces (or creates) `path` with `bytes`. An existing file keeps its permission bits; a new one gets
    /// `newFileMode`. On failure the temporary file is removed and `path` is untouched.
    ///
    /// A symbolic link is followed: its target is replaced and the link stays.
    public static func write(_ bytes: [UInt8], to link: String, newFileMode: mode_t = 0o644) throws(WriteError) {
        let path = (link as NSString).resolvingSymlinksInPath
        var status = stat()
        let mode = stat(path, &status) == 0 ? status.st_mode & 0o7777 : newFileMode
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary =
            (folder.isEmpty ? "" : folder + "/") + ".\(name).dltaf-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in its folder") }
        var closed = false
        do throws(WriteError) {
            try writeAll(bytes, to: descriptor, path: path)
            guard fchmod(descriptor, mode) == 0 else { throw failure(path, "cannot set the file mode") }
            guard fsync(descriptor) == 0 else { throw failure(path, "cannot flush to disk") }
            closed = true
            guard close(descriptor) == 0 else { throw failure(path, "cannot close the temporary file") }
            guard rename(temporary, path) == 0 else { throw failure(path, "cannot replace the file") }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(WriteError) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress, buffer.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot write")
            }
            written += count
        }
    }

    /// An error with the current `errno` explained.
    private static func failure(_ path: String, _ what: String) -> WriteError {
        WriteError(file: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
