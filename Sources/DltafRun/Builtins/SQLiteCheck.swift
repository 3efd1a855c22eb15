import DltafClients
import DltafJSON
import DltafProtocol

/// The built-in `sqlite` check: each database file opens read-only and its schema can be read.
///
/// Config (`run.online_checks.config.sqlite`): `paths` (list) and/or `path`, relative to the manifest's folder;
/// `timeout_seconds` (also the busy timeout).
struct SQLiteCheck: BuiltinCheck {
    let name = "sqlite"
    let summary = "SQLite files open read-only and their schema reads (libsqlite3, loaded on first use)"

    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String) {
        request.strings("paths", "path").isEmpty
            ? (false, "no path or paths in run.online_checks.config.sqlite") : (true, "paths configured")
    }

    func run(_ request: CheckRequest) async -> CheckOutcome {
        let paths = request.strings("paths", "path")
        guard !paths.isEmpty else { return .notConfigured("set path or paths in run.online_checks.config.sqlite") }
        let timeout = request.timeoutSeconds
        let results = await withTaskGroup(of: (Int, String, DatabaseProbeResult).self) { group in
            for (index, path) in paths.enumerated() {
                let absolute = request.absolutePath(path)
                group.addTask { (index, path, await SQLiteProbe.check(path: absolute, timeoutSeconds: timeout)) }
            }
            var collected: [(Int, String, DatabaseProbeResult)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
        if let missing = results.first(where: { $0.1.error?.kind == .libraryMissing })?.1.error {
            return .dependencyMissing(missing.message)
        }
        var errors: [String] = []
        let entries: [JSONValue] = results.map { path, result in
            var entry: JSONObject = [
                "path": .string(path), "ok": .bool(result.ok),
                "latency_ms": .double(result.latencyMilliseconds.rounded3),
            ]
            if let objects = result.schemaObjects { entry["schema_objects"] = .int(objects) }
            if let error = result.error {
                entry["error"] = .string(error.description)
                errors.append("\(path): \(error.description)")
            }
            return .object(entry)
        }
        var details: JSONObject = ["attempted": true, "timeout_seconds": .double(timeout), "results": .array(entries)]
        if let version = results.first?.1.version { details["sqlite_version"] = .string(version) }
        return CheckOutcome(ok: errors.isEmpty, errors: errors, details: details)
    }
}
