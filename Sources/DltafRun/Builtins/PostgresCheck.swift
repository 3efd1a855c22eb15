import DltafClients
import DltafJSON
import DltafProtocol
import Foundation

/// The built-in `postgres` check: connect and `SELECT 1`, with the latency and the server's version.
///
/// Config (`run.online_checks.config.postgres`): `dsn` or `conninfo` (a libpq connection string or URI), or
/// `host`, `port`, `user`, `password`, `dbname`; `timeout_seconds`. Without any of these it uses the
/// variables the secrets resolver writes, `SOURCES__SQL_DATABASE__CREDENTIALS__{HOST,PORT,USERNAME,PASSWORD,
/// DATABASE}` (or `..._DSN`), and applies only when `..._HOST` is set with a `postgresql` `..._DRIVERNAME`, or
/// `..._DSN` is a `postgresql://` URI (in `dltaf exec` these are the resolved `connections`). Passwords and connection
/// strings never appear in its results.
struct PostgresCheck: BuiltinCheck {
    let name = "postgres"
    let summary = "PostgreSQL connect + SELECT 1 and latency (libpq, loaded on first use)"
    /// Where the `SOURCES__SQL_DATABASE__CREDENTIALS__*` variables are read.
    var environment: [String: String] = ProcessInfo.processInfo.environment

    static let environmentPrefix = "SOURCES__SQL_DATABASE__CREDENTIALS__"
    private static let configKeys = ["dsn", "conninfo", "host", "port", "user", "password", "dbname"]

    func applies(_ request: CheckRequest) -> (applies: Bool, reason: String) {
        if Self.configKeys.contains(where: request.has) { return (true, "connection configured") }
        // The same variables serve Oracle and other SQL sources: only a PostgreSQL driver or URI selects this check.
        let driver = nonEmpty(Self.environmentPrefix + "DRIVERNAME")?.lowercased() ?? ""
        let dsn = nonEmpty(Self.environmentPrefix + "DSN")?.lowercased() ?? ""
        let isPostgres = driver.hasPrefix("postgres") || dsn.hasPrefix("postgres://") || dsn.hasPrefix("postgresql://")
        if isPostgres, !dsn.isEmpty || nonEmpty(Self.environmentPrefix + "HOST") != nil {
            return (true, "\(Self.environmentPrefix)* set for a PostgreSQL driver")
        }
        return (
            false,
            "no connection in run.online_checks.config.postgres, nor \(Self.environmentPrefix)HOST with a "
                + "postgresql DRIVERNAME"
        )
    }

    func run(_ request: CheckRequest) async -> CheckOutcome {
        let target: PostgresProbe.Target
        let source: String
        switch self.target(request) {
        case .success(let (found, origin)):
            target = found
            source = origin
        case .failure(let problem):
            return problem.outcome
        }
        let result = await PostgresProbe.check(target, timeoutSeconds: request.timeoutSeconds)
        var details: JSONObject = [
            "attempted": true, "source": .string(source), "timeout_seconds": .double(request.timeoutSeconds),
        ]
        if let conninfo = target.conninfo { details["dsn"] = .string(Redactor().redact(text: conninfo)) }
        if let host = target.host { details["host"] = .string(host) }
        if let port = target.port { details["port"] = .int(port) }
        if let dbname = target.dbname { details["dbname"] = .string(dbname) }
        details["latency_ms"] = .double(result.latencyMilliseconds.rounded3)
        details["ok"] = .bool(result.ok)
        if let version = result.version { details["server_version"] = .string(version) }
        guard let error = result.error else { return CheckOutcome(ok: true, details: details) }
        if error.kind == .libraryMissing { return .dependencyMissing(error.message, details: details) }
        let redactor = Redactor(secrets: [target.password, target.conninfo].compactMap { $0 })
        let message = redactor.redact(text: error.description)
        details["error"] = .string(message)
        return CheckOutcome(ok: false, errors: [message], details: details)
    }

    private struct Problem: Error {
        var outcome: CheckOutcome
    }

    /// The connection from the config, else from the environment.
    private func target(_ request: CheckRequest) -> Result<(PostgresProbe.Target, String), Problem> {
        if let conninfo = request.string("dsn") ?? request.string("conninfo"), !conninfo.isEmpty {
            return .success((PostgresProbe.Target(conninfo: conninfo), "config"))
        }
        if Self.configKeys.contains(where: request.has) {
            var port: Int?
            if request.has("port") {
                guard let value = request.config["port"]?.intValue ?? request.string("port").flatMap(Int.init) else {
                    return .failure(Problem(outcome: CheckOutcome(ok: false, errors: ["port must be an integer"])))
                }
                port = value
            }
            return .success(
                (
                    PostgresProbe.Target(
                        host: request.string("host"), port: port, user: request.string("user"),
                        password: request.string("password"), dbname: request.string("dbname")),
                    "config"
                ))
        }
        let prefix = Self.environmentPrefix
        if let dsn = nonEmpty(prefix + "DSN") {
            return .success((PostgresProbe.Target(conninfo: dsn), "environment"))
        }
        guard let host = nonEmpty(prefix + "HOST") else {
            return .failure(
                Problem(
                    outcome: .notConfigured(
                        "set dsn, conninfo or host in run.online_checks.config.postgres, or \(prefix)HOST")))
        }
        var port: Int?
        if let text = nonEmpty(prefix + "PORT") {
            guard let value = Int(text) else {
                return .failure(Problem(outcome: CheckOutcome(ok: false, errors: ["\(prefix)PORT is not a number"])))
            }
            port = value
        }
        return .success(
            (
                PostgresProbe.Target(
                    host: host, port: port, user: nonEmpty(prefix + "USERNAME"),
                    password: nonEmpty(prefix + "PASSWORD"),
                    dbname: nonEmpty(prefix + "DATABASE")),
                "environment"
            ))
    }

    private func nonEmpty(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
