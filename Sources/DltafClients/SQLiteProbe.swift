import CDltafClients

/// Opens an SQLite database read-only through libsqlite3 (opened with `dlopen`) and reads its schema.
public enum SQLiteProbe {
    /// Opens `path` read-only, waits at most `timeoutSeconds` for locks, and runs
    /// `SELECT count(*) FROM sqlite_master`, on a thread outside the cooperative pool.
    ///
    /// - Returns: `ok`, the latency, the library version and the number of schema objects, or the reason.
    public static func check(path: String, timeoutSeconds: Double) async -> DatabaseProbeResult {
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else {
            return DatabaseProbeResult(
                ok: false, latencyMilliseconds: 0,
                error: DatabaseProbeError(kind: .invalidInput, message: "the timeout must be positive"))
        }
        let milliseconds = Int(max(1, (timeoutSeconds * 1000).rounded(.up)))
        let (kind, text, version, objects, elapsed) = await runBlocking { _ in
            var answer = dltaf_sqlite_result()
            let kind = dltaf_sqlite_check(path, milliseconds, &answer)
            let version = errorText(answer.library_version)
            return (
                kind, errorText(answer.error), version.isEmpty ? nil : version, Int(answer.schema_objects),
                answer.elapsed_ms
            )
        }
        guard kind == DLTAF_CLIENT_OK else {
            return DatabaseProbeResult(
                ok: false, latencyMilliseconds: elapsed, version: version,
                error: DatabaseProbeError.from(kind: kind, text: text, library: .sqlite))
        }
        return DatabaseProbeResult(ok: true, latencyMilliseconds: elapsed, version: version, schemaObjects: objects)
    }
}
