import DltafJSON
import DltafProtocol
import Foundation

/// The built-in `path` check: each path exists and can be read (a file is readable, a folder listable).
///
/// Config (`run.online_checks.config.path`): `paths` (list) and/or `path`, relative to the manifest's folder.
struct PathCheck: BuiltinCheck {
    let name = "path"
    let summary = "Files and folders exist and are readable"

    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String) {
        request.strings("paths", "path").isEmpty
            ? (false, "no path or paths in run.online_checks.config.path") : (true, "paths configured")
    }

    func run(_ request: CheckRequest) async -> CheckOutcome {
        let paths = request.strings("paths", "path")
        guard !paths.isEmpty else { return .notConfigured("set path or paths in run.online_checks.config.path") }
        var errors: [String] = []
        let results: [JSONValue] = paths.map { path in
            let absolute = request.absolutePath(path)
            var entry: JSONObject = ["path": .string(path)]
            var info = stat()
            guard stat(absolute, &info) == 0 else {
                let reason = String(cString: strerror(errno))
                entry["ok"] = false
                entry["exists"] = false
                entry["error"] = .string(reason)
                errors.append("\(path): \(reason)")
                return .object(entry)
            }
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            entry["exists"] = true
            entry["type"] = .string(isFolder ? "directory" : (info.st_mode & S_IFMT) == S_IFREG ? "file" : "other")
            // A folder must be listable (r + x); a file readable.
            let readable = access(absolute, isFolder ? R_OK | X_OK : R_OK) == 0
            entry["readable"] = .bool(readable)
            entry["ok"] = .bool(readable)
            if !readable { errors.append("\(path): not readable (\(String(cString: strerror(errno))))") }
            return .object(entry)
        }
        return CheckOutcome(
            ok: errors.isEmpty, errors: errors, details: ["attempted": true, "results": .array(results)])
    }
}
