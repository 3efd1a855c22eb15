import CDltafClients

/// Connects to PostgreSQL through libpq (opened with `dlopen`) and runs `SELECT 1`, within a deadline.
public enum PostgresProbe {
    /// Where to connect: a connection string, or its parts. Unset parts fall back to libpq's defaults
    /// (`PGHOST`, `PGUSER`, `~/.pgpass`, ...).
    public struct Target: Sendable {
        /// A libpq connection string (`host=... dbname=...`) or URI (`postgresql://...`).
        public var conninfo: String?
        /// Host name, address or socket folder.
        public var host: String?
        /// Port.
        public var port: Int?
        /// User name.
        public var user: String?
        /// Password; never reported.
        public var password: String?
        /// Database name.
        public var dbname: String?

        /// A target from a connection string or URI.
        public init(conninfo: String) {
            self.conninfo = conninfo
        }

        /// A target from its parts.
        public init(
            host: String? = nil, port: Int? = nil, user: String? = nil, password: String? = nil,
            dbname: String? = nil
        ) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.dbname = dbname
        }

        /// The libpq keyword/value pairs.
        var parameters: [(String, String)] {
            if let conninfo { return [("dbname", conninfo)] }
            var pairs: [(String, String)] = []
            if let host { pairs.append(("host", host)) }
            if let port { pairs.append(("port", String(port))) }
            if let user { pairs.append(("user", user)) }
            if let password { pairs.append(("password", password)) }
            if let dbname { pairs.append(("dbname", dbname)) }
            return pairs
        }

        /// Every secret the target holds, to remove from messages.
        var secrets: [String] {
            var found: [String] = []
            if let password, !password.isEmpty { found.append(password) }
            if let conninfo {
                found += ConninfoSecrets.passwords(in: conninfo)
                found.append(conninfo)
            }
            return found
        }
    }

    /// Connects, runs `SELECT 1` and disconnects, on a thread outside the cooperative pool.
    ///
    /// - Returns: `ok`, the latency and server version, or the reason (never holding the password).
    public static func check(_ target: Target, timeoutSeconds: Double) async -> DatabaseProbeResult {
        guard timeoutSeconds.isFinite, timeoutSeconds > 0 else {
            return DatabaseProbeResult(
                ok: false, latencyMilliseconds: 0,
                error: DatabaseProbeError(kind: .invalidInput, message: "the timeout must be positive"))
        }
        let milliseconds = Int(max(1, (timeoutSeconds * 1000).rounded(.up)))
        let pairs = target.parameters
        let expand: Int32 = target.conninfo == nil ? 0 : 1
        let result = await runBlocking { token in
            var answer = dltaf_pg_result()
            let kind = withCStrings(pairs.map(\.0), nullTerminated: true) { keywords in
                withCStrings(pairs.map(\.1), nullTerminated: true) { values in
                    dltaf_pg_check(keywords, values, expand, milliseconds, &answer, token.pointer)
                }
            }
            let version = errorText(answer.server_version)
            return (kind, errorText(answer.error), version.isEmpty ? nil : version, answer.elapsed_ms)
        }
        let (kind, text, version, elapsed) = result
        guard kind == DLTAF_CLIENT_OK else {
            var error = DatabaseProbeError.from(kind: kind, text: text, library: .postgres)
            if error.kind == .timeout { error.message += " (limit \(timeoutSeconds)s)" }
            error.message = ConninfoSecrets.scrub(error.message, secrets: target.secrets)
            return DatabaseProbeResult(ok: false, latencyMilliseconds: elapsed, version: version, error: error)
        }
        return DatabaseProbeResult(ok: true, latencyMilliseconds: elapsed, version: version)
    }
}
