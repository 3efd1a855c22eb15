import DltafJSON
import DltafLoad
import DltafProtocol
import DltafSQLDB

/// The built-in `sqldb` runner (and the Python dltaf's aliases `sql_database`, `oracle_custom_sql`, `oracle`):
/// SQL tables and queries read in-process and written through the run's load session, with no JSON on the
/// way (docs/sqldb.md). It validates like a plugin (`runner/validate`); the run itself is in-process
/// (`RunnerPhase` calls `run`), since rows go straight from the source cursor into the destination writer.
struct SQLDBRunner: BuiltinExtension {
    /// The source kinds it serves.
    static let kinds = ["sqldb", "sql_database", "oracle_custom_sql", "oracle"]

    var provides: Provides {
        Provides(
            runners: Self.kinds.map { kind in
                RunnerInfo(
                    kind: kind,
                    description: kind == "sqldb"
                        ? "SQL tables and queries (PostgreSQL, SQLite, MySQL/MariaDB) into the destination"
                        : "legacy alias of sqldb")
            })
    }

    func handle(method: String, params: JSONValue) async throws(RPCError) -> JSONValue {
        guard method == ProtocolMethod.runnerValidate else {
            throw RPCError(
                code: RPCErrorCode.methodNotFound,
                message: "the built-in sqldb runner runs in-process, not by \(method)")
        }
        let manifest = params["manifest"] ?? .null
        let directory = params["context"]?["manifest_dir"]?.stringValue ?? "."
        return RunnerValidateResult(diagnostics: Self.validate(manifest, directory: directory)).json
    }

    /// The findings of `runner/validate`: the manifest's sqldb settings, and a dialect this build cannot read.
    static func validate(_ manifest: JSONValue, directory: String) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        do throws(SQLDBConfigurationError) {
            let configuration = try SQLDBConfiguration(manifest: manifest, directory: directory)
            findings += configuration.warnings.map {
                Diagnostic(severity: .warning, message: $0, code: "sqldb.ignored")
            }
        } catch {
            findings.append(
                Diagnostic(severity: .error, message: error.message, code: "sqldb.invalid", path: pointer(error.path)))
        }
        // The connection decides what is read (`source.dialect` may say oracle for SQL that runs anywhere); one
        // given only by the environment is judged when the run opens it.
        let connection = manifest["connections"]?["source"]?["kind"]?.stringValue?.lowercased()
        if let named = connection.map(SourceConnection.dialect(driver:)),
            SourceConnection.unsupportedDialects.contains(named)
        {
            findings.append(
                Diagnostic(
                    severity: .error,
                    message: "\(named) sources are not supported by this build of dltaf's sqldb runner (it reads "
                        + "PostgreSQL, SQLite and MySQL/MariaDB): use a runner plugin for \(named)",
                    code: "sqldb.dialect_unsupported", path: "/connections/source/kind"))
        }
        return findings
    }

    /// `source.query.queries[0].sql` → `/source/query/queries/0/sql`.
    private static func pointer(_ path: String) -> String {
        "/" + path.replacing("[", with: ".").replacing("]", with: "").split(separator: ".").joined(separator: "/")
    }
}
