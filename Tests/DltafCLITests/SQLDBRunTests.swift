import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// The built-in `sqldb` runner end to end: `dltaf exec` reading a real PostgreSQL server (or a SQLite file) into
/// SQLite and PostgreSQL destinations, with counts and checksums compared on both sides.
@Suite("sqldb: SQL tables and queries into destinations", .serialized)
struct SQLDBRunTests {
    /// A source table of `rows` rows with the benchmark's column types.
    static func orders(_ rows: Int) -> String {
        """
        CREATE TABLE public.orders (id bigint PRIMARY KEY, name text, score double precision, created_at timestamptz,
            flag smallint, amount numeric(12,2), payload jsonb, raw bytea);
        INSERT INTO public.orders SELECT g, 'name ' || g || CASE WHEN g % 7 = 0 THEN E' tab\\there ü' ELSE '' END,
            g / 3.0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', (g % 3)::smallint,
            (g * 1.25)::numeric(12,2), jsonb_build_object('k', g % 10, 'tags', jsonb_build_array('a', 'b')),
            CASE WHEN g % 5 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END
        FROM generate_series(1, \(rows)) g;
        CREATE TABLE public.customers (id int PRIMARY KEY, email text);
        INSERT INTO public.customers VALUES (1, 'a@example.com'), (2, 'b@example.com');
        """
    }

    /// count, sum(id), sum(amount) and an md5 of the names in id order.
    static let checksum =
        "SELECT count(*), sum(id), sum(amount), md5(string_agg(name, ',' ORDER BY id)) FROM "

    struct Setup {
        let server: LocalPostgres
        let workspace: Workspace

        var sourceEnvironment: [String: String] {
            [
                "SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME": "postgresql+psycopg2",
                "SOURCES__SQL_DATABASE__CREDENTIALS__HOST": "127.0.0.1",
                "SOURCES__SQL_DATABASE__CREDENTIALS__PORT": String(server.port),
                "SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME": server.user,
                "SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD": server.password,
                "SOURCES__SQL_DATABASE__CREDENTIALS__DATABASE": server.database,
                "DESTINATION__POSTGRES__CREDENTIALS__HOST": "127.0.0.1",
                "DESTINATION__POSTGRES__CREDENTIALS__PORT": String(server.port),
                "DESTINATION__POSTGRES__CREDENTIALS__USERNAME": server.user,
                "DESTINATION__POSTGRES__CREDENTIALS__PASSWORD": server.password,
                "DESTINATION__POSTGRES__CREDENTIALS__DATABASE": "warehouse",
            ]
        }

        func psql(_ sql: String, database: String? = nil) async throws -> String {
            let bin = LocalPostgres.binDirectory ?? "/usr/bin"
            let output = try await runProcess(
                bin + "/psql",
                [
                    "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(server.port),
                    "-U", server.user, "-d", database ?? server.database, "-c", sql,
                ], environment: ["PGPASSWORD": server.password, "PATH": "/usr/bin:/bin"])
            try #require(output.status == 0, "psql failed: \(output.stderr)")
            return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func sqlite(_ sql: String, dataset: String = "demo") async throws -> String {
            let output = try await sqliteOutput(sql, dataset: dataset)
            try #require(output.status == 0, "sqlite3 failed: \(output.stderr)")
            return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The output of `sqlite3` on the destination file, whether or not it succeeded (for polling).
        func sqliteOutput(_ sql: String, dataset: String = "demo") async throws -> ProcessOutput {
            try await runProcess("/usr/bin/sqlite3", [workspace.root + "/.dltaf/\(dataset).sqlite", sql])
        }

        /// Writes `name.yaml` and runs `dltaf exec` on it.
        func exec(
            _ name: String, _ body: String, _ arguments: [String] = [], extra: [String: String] = [:]
        ) async throws -> (ProcessOutput, JSONValue) {
            let path = workspace.root + "/\(name).yaml"
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            var environment = sourceEnvironment.merging(extra) { _, new in new }
            environment["PATH"] = "/usr/bin:/bin"
            environment["HOME"] = workspace.root
            let output = try await runProcess(
                TestPaths.dltaf, ["exec", path, "--json"] + arguments, environment: environment,
                directory: workspace.root, timeout: 120)
            let document = (try? JSONParser.parse(output.stdout)) ?? .null
            return (output, document)
        }
    }

    static func with(_ body: (Setup) async throws -> Void) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try await LocalPostgres.with { server in
            let setup = Setup(server: server, workspace: workspace)
            _ = try await setup.psql("CREATE DATABASE warehouse")
            try await body(setup)
        }
    }

    static func manifest(
        _ name: String, destination: String = "sqlite", disposition: String = "append", source: String,
        run: String = ""
    ) -> String {
        """
        version: 1
        pipeline: {name: \(name), destination: \(destination), dataset: demo}
        run: {write_disposition: \(disposition)\(run)}
        source:
        \(source)

        """
    }

    static let catalog = """
          kind: sqldb
          dialect: postgres
          mode: catalog
          catalog: {schema: public, tables: [orders, customers]}
        """

    @Test func catalogIntoSQLiteKeepsEveryValue() async throws {
        try await Self.with { setup in
            _ = try await setup.psql(Self.orders(5000))
            let (output, result) = try await setup.exec(
                "dlt__pg__to__sqlite__demo", Self.manifest("dlt__pg__to__sqlite__demo", source: Self.catalog))
            #expect(output.status == 0, "\(output.stderr)")
            #expect(result["status"] == "success")
            let stats = result["table_stats"]?.arrayValue ?? []
            #expect(stats.map { $0["target_table"]?.stringValue } == ["orders", "customers"])
            #expect(stats.first?["rows_processed"] == .int(5000))
            #expect(stats.first?["rows_after"] == .int(5000))
            #expect(
                try await setup.sqlite("SELECT count(*), sum(id), sum(amount) FROM orders")
                    == "5000|12502500|15628125.0")
            let source = try await setup.psql(
                "SELECT name, amount::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                    + "payload::text, encode(raw, 'hex') FROM orders WHERE id = 7")
            let loaded = try await setup.sqlite(
                "SELECT name, amount, created_at, payload, hex(raw) FROM orders WHERE id = 7")
            #expect(loaded.lowercased() == source.lowercased())
            #expect(try await setup.sqlite("SELECT count(*) FROM orders WHERE raw IS NULL") == "1000")
            #expect(try await setup.sqlite("SELECT email FROM customers ORDER BY id") == "a@example.com\nb@example.com")
        }
    }

    @Test func postgresToPostgresCopiesThroughAndMatchesChecksums() async throws {
        try await Self.with { setup in
            _ = try await setup.psql(Self.orders(20000))
            let (output, result) = try await setup.exec(
                "dlt__pg__to__pg__demo",
                Self.manifest(
                    "dlt__pg__to__pg__demo", destination: "postgres", disposition: "replace", source: Self.catalog))
            #expect(output.status == 0, "\(output.stderr)")
            // A table made in this run takes the binary stream as it is.
            #expect(result["table_stats"]?[0]?["route"] == "copy_binary")
            #expect(result["table_stats"]?[0]?["rows_processed"] == .int(20000))
            let expected = try await setup.psql(Self.checksum + "public.orders")
            let loaded = try await setup.psql(Self.checksum + "demo.orders", database: "warehouse")
            #expect(loaded == expected)
            let types = try await setup.psql(
                "SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns "
                    + "WHERE table_schema = 'demo' AND table_name = 'orders'", database: "warehouse")
            #expect(types.hasPrefix("bigint,text,double precision,timestamp with time zone,bigint,numeric,jsonb,bytea"))
            // A second replace run swaps in a fresh copy: still exactly the source's rows.
            let (again, _) = try await setup.exec(
                "dlt__pg__to__pg__demo",
                Self.manifest(
                    "dlt__pg__to__pg__demo", destination: "postgres", disposition: "replace", source: Self.catalog))
            #expect(again.status == 0)
            #expect(try await setup.psql(Self.checksum + "demo.orders", database: "warehouse") == expected)
            // Appending to the table, which exists now: COPY text, which the server parses into whatever types
            // the table has.
            let (append, appended) = try await setup.exec(
                "dlt__pg__to__pg__demo",
                Self.manifest(
                    "dlt__pg__to__pg__demo", destination: "postgres", disposition: "append", source: Self.catalog))
            #expect(append.status == 0, "\(append.stderr)")
            #expect(appended["table_stats"]?[0]?["route"] == "copy")
            #expect(
                try await setup.psql("SELECT count(*), count(DISTINCT id) FROM demo.orders", database: "warehouse")
                    == "40000|20000")
        }
    }

    @Test func queryModeBindsParametersFromASQLFile() async throws {
        try await Self.with { setup in
            _ = try await setup.psql(Self.orders(300) + "; CREATE VIEW dual AS SELECT 'X'::text AS dummy")
            let sql = setup.workspace.root + "/sql"
            try FileManager.default.createDirectory(atPath: sql, withIntermediateDirectories: true)
            try Data("select :dt_from as loaded_at, 1 as smoke_col from dual;\n".utf8).write(
                to: URL(fileURLWithPath: sql + "/smoke.sql"))
            let source = """
                  kind: sqldb
                  dialect: oracle
                  mode: query
                  query:
                    fetch_batch_size: 100
                    queries:
                      - {name: smoke_query, table_name: smoke_query, sql_file: sql/smoke.sql, params: {dt_from: "2025-01-01"}}
                      - name: big_orders
                        sql: "select id, name, amount from orders where amount >= :floor and name <> ':floor'"
                        params: {floor: 300}
                        write_disposition: merge
                        primary_key: [id]
                """
            let (output, result) = try await setup.exec(
                "dlt__query__to__sqlite__demo", Self.manifest("dlt__query__to__sqlite__demo", source: source))
            #expect(output.status == 0, "\(output.stderr) \(output.stdout)")
            #expect(result["status"] == "success")
            #expect(try await setup.sqlite("SELECT loaded_at, smoke_col FROM smoke_query") == "2025-01-01|1")
            #expect(try await setup.sqlite("SELECT count(*), min(id) FROM big_orders") == "61|240")
        }
    }

    @Test func incrementalRunsLoadOnlyNewRowsAndSkipTheBoundary() async throws {
        try await Self.with { setup in
            _ = try await setup.psql(
                "CREATE TABLE events (id int PRIMARY KEY, at date, note text); "
                    + "INSERT INTO events SELECT g, date '2026-01-01' + g / 10, 'e' || g FROM generate_series(1, 95) g")
            let source = """
                  kind: sqldb
                  mode: catalog
                  catalog: {schema: public, tables: [events]}
                  incremental: {cursor_column: at, initial_value: "2026-01-02", chunk_rows: 20}
                """
            let manifest = Self.manifest("dlt__events__to__sqlite__demo", source: source)
            let (first, _) = try await setup.exec("dlt__events__to__sqlite__demo", manifest)
            #expect(first.status == 0, "\(first.stderr)")
            // From 2026-01-02 (id 10 on): 86 rows.
            #expect(try await setup.sqlite("SELECT count(*), min(id), max(id) FROM events") == "86|10|95")
            // Rows arriving later at the last cursor value, and after it; nothing loaded twice.
            _ = try await setup.psql(
                "INSERT INTO events SELECT g, date '2026-01-10', 'late' || g FROM generate_series(96, 98) g; "
                    + "INSERT INTO events VALUES (99, date '2026-01-11', 'new')")
            let (second, result) = try await setup.exec("dlt__events__to__sqlite__demo", manifest)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(result["table_stats"]?[0]?["rows_processed"] == .int(4))
            #expect(try await setup.sqlite("SELECT count(*), count(DISTINCT id) FROM events") == "90|90")
            let state = try await setup.sqlite("SELECT state FROM _dltaf_state WHERE stream = 'events'")
            #expect(state.contains(#""last_value":"2026-01-11""#))
        }
    }

    @Test(arguments: ["append", "merge"])
    func aRunKilledMidTableResumesAtItsLastCheckpoint(disposition: String) async throws {
        try await Self.with { setup in
            _ = try await setup.psql(
                "CREATE TABLE ticks (id bigint PRIMARY KEY, at timestamptz, note text); INSERT INTO ticks SELECT g, "
                    + "timestamptz '2026-01-01 00:00:00+00' + (g / 3) * interval '1 second', repeat('x', 200) "
                    + "FROM generate_series(1, 400000) g")
            let source = """
                  kind: sqldb
                  mode: catalog
                  catalog: {schema: public, tables: [ticks]}
                  query: {fetch_batch_size: 5000}
                  incremental: {cursor_column: at, chunk_rows: 20000}
                """
            let name = "dlt__ticks_\(disposition)__to__sqlite__demo"
            let path = setup.workspace.root + "/\(name).yaml"
            try Data(Self.manifest(name, disposition: disposition, source: source).utf8).write(
                to: URL(fileURLWithPath: path))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.dltaf)
            process.arguments = ["exec", path]
            process.environment = setup.sourceEnvironment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
            process.currentDirectoryURL = URL(fileURLWithPath: setup.workspace.root)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var checkpoints = 0
            for _ in 0..<600 where checkpoints < 3 && process.isRunning {
                try await Task.sleep(for: .milliseconds(20))
                let polled = try await setup.sqliteOutput("SELECT count(*) FROM _dltaf_loads")
                checkpoints = Int(polled.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            }
            try #require(process.isRunning, "the run ended before it could be killed")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let committed = Int(try await setup.sqlite("SELECT count(*) FROM ticks")) ?? -1
            #expect(committed > 0 && committed < 400_000, "committed \(committed)")
            let (rerun, _) = try await setup.exec(name, Self.manifest(name, disposition: disposition, source: source))
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(
                try await setup.sqlite("SELECT count(*), count(DISTINCT id), sum(id) FROM ticks")
                    == "400000|400000|80000200000")
        }
    }

    @Test func partialSuccessToleratesAMissingTableAndStrictRunsFail() async throws {
        try await Self.with { setup in
            _ = try await setup.psql(Self.orders(10))
            let source = """
                  kind: sqldb
                  mode: catalog
                  catalog: {schema: public, tables: [orders, vanished, customers]}
                """
            let tolerant = Self.manifest(
                "dlt__partial__to__sqlite__demo", source: source,
                run: ", partial_success: {mode: any_success, tolerate_errors: missing_table_only}")
            let (output, result) = try await setup.exec("dlt__partial__to__sqlite__demo", tolerant)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(result["status"] == "partial_success")
            let failed = result["table_stats"]?.arrayValue?.first { $0["status"] == "failed" }
            #expect(failed?["source_table"] == "public.vanished")
            #expect(failed?["error_kind"] == "CONFIG:table_not_found")
            #expect(try await setup.sqlite("SELECT count(*) FROM orders") == "10")
            #expect(try await setup.sqlite("SELECT count(*) FROM customers") == "2")
            // The run audit has a unit per table, the failed one with its error.
            let runID = try #require(result["run_id"]?.stringValue)
            let shown = try await runProcess(
                TestPaths.dltaf, ["runs", "show", runID, "--json"], directory: setup.workspace.root)
            let units = (try JSONParser.parse(shown.stdout))["units"]?.arrayValue ?? []
            #expect(units.map { $0["unit_id"]?.stringValue } == ["orders", "vanished", "customers"], "\(shown.stdout)")
            #expect(units[1]["status"] == "failed")
            #expect(units[1]["error_kind"] == "CONFIG:table_not_found")
            let strict = Self.manifest("dlt__strict__to__sqlite__demo", source: source)
            let (failedRun, strictResult) = try await setup.exec("dlt__strict__to__sqlite__demo", strict)
            #expect(failedRun.status == 1)
            #expect(strictResult["error"]?["code"] == "table_not_found")
            #expect(strictResult["error"]?["message"]?.stringValue?.contains("vanished") == true)
        }
    }

    @Test func mariaDBTablesLoadIntoPostgres() async throws {
        try await Self.with { setup in
            try await LocalMariaDB.with { maria in
                try await maria.execute(
                    """
                    CREATE TABLE sales (id BIGINT PRIMARY KEY, label VARCHAR(40), price DECIMAL(38,9), sold DATETIME(6),
                        ok TINYINT(1), doc JSON, raw BLOB);
                    INSERT INTO sales VALUES (1, 'ünï 😀', 12345678901234567890123456789.123456789,
                        '2026-03-04 05:06:07.890123', 1, '{"a": 1}', X'00FF'), (2, NULL, NULL, NULL, NULL, NULL, NULL);
                    """)
                let source = """
                      kind: sqldb
                      mode: catalog
                      catalog: {schema: \(maria.database), tables: [sales]}
                    """
                let name = "dlt__maria__to__pg__demo"
                let (output, result) = try await setup.exec(
                    name, Self.manifest(name, destination: "postgres", source: source),
                    extra: [
                        "SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME": "mysql+pymysql",
                        "SOURCES__SQL_DATABASE__CREDENTIALS__HOST": maria.host,
                        "SOURCES__SQL_DATABASE__CREDENTIALS__PORT": String(maria.port),
                        "SOURCES__SQL_DATABASE__CREDENTIALS__USERNAME": maria.user,
                        "SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD": maria.password,
                        "SOURCES__SQL_DATABASE__CREDENTIALS__DATABASE": maria.database,
                    ])
                #expect(output.status == 0, "\(output.stderr)")
                #expect(result["table_stats"]?[0]?["rows_processed"] == .int(2))
                let row = try await setup.psql(
                    "SELECT label, price, sold AT TIME ZONE 'UTC', ok, doc->>'a', encode(raw, 'hex') FROM demo.sales "
                        + "WHERE id = 1", database: "warehouse")
                #expect(row == "ünï 😀|12345678901234567890123456789.123456789|2026-03-04 05:06:07.890123|t|1|00ff")
                #expect(
                    try await setup.psql("SELECT count(*) FROM demo.sales WHERE label IS NULL", database: "warehouse")
                        == "1")
            }
        }
    }

    @Test func aSQLiteFileIsASourceToo() async throws {
        try await Self.with { setup in
            let file = setup.workspace.root + "/legacy.db"
            let created = try await runProcess(
                "/usr/bin/sqlite3",
                [
                    file,
                    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2), added DATETIME, "
                        + "meta JSON); INSERT INTO items VALUES (1, 'a', 2.5, '2026-01-01 10:00:00', '{\"x\": 1}'), "
                        + "(2, 'b', 3, '2026-01-02T11:00:00Z', NULL); CREATE TABLE broken (id INTEGER, n INTEGER); "
                        + "INSERT INTO broken VALUES (1, 'not a number');",
                ])
            try #require(created.status == 0, "\(created.stderr)")
            let source = """
                  kind: sql_database
                  schema: main
                  tables: [items, broken]
                """
            let name = "dlt__lite__to__pg__demo"
            let (output, result) = try await setup.exec(
                name,
                Self.manifest(
                    name, destination: "postgres", source: source,
                    run: ", partial_success: {mode: any_success, tolerate_errors: source_only}"),
                extra: [
                    "SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME": "sqlite",
                    "SOURCES__SQL_DATABASE__CREDENTIALS__DATABASE": "legacy.db",
                ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(result["status"] == "partial_success")
            let broken = result["table_stats"]?.arrayValue?.first { $0["target_table"] == "broken" }
            #expect(broken?["error_kind"] == "DATA:data_validation")
            #expect(broken?["error_message"]?.stringValue?.contains("column n") == true)
            #expect(
                try await setup.psql(
                    "SELECT string_agg(price::text || ' ' || (added AT TIME ZONE 'UTC')::text || ' ' || "
                        + "coalesce(meta->>'x', '-'), ';' ORDER BY id) FROM demo.items", database: "warehouse")
                    == "2.50 2026-01-01 10:00:00 1;3.00 2026-01-02 11:00:00 -")
            #expect(try await setup.psql("SELECT to_regclass('demo.broken') IS NULL", database: "warehouse") == "t")
        }
    }

    /// The Python dltaf's four SQL example manifests, as shipped, pointed at the test server: their ClickHouse
    /// destination becomes SQLite (ClickHouse is not a dltaf destination yet) and their `connections` give way to
    /// the test's credentials (their Oracle source becomes the test's PostgreSQL, with a `dual` view for their
    /// Oracle-flavoured SQL). Everything else (layouts, legacy kinds, `sql_file`, params) runs as written.
    @Test func thePythonDltafSQLExamplesRun() async throws {
        let examples = try #require(ReferenceDltaf.examplesDirectory, "\(ReferenceDltaf.missing)")
        try await Self.with { setup in
            _ = try await setup.psql(Self.orders(50) + "; CREATE VIEW dual AS SELECT 'X'::text AS dummy")
            let folder = setup.workspace.root + "/manifests"
            let sql = setup.workspace.root + "/sql"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: sql, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: examples + "/../sql/oracle_smoke_query.sql", toPath: sql + "/oracle_smoke_query.sql")
            // In name order, into one `raw` dataset: both catalog examples append the same tables.
            let expected = [
                "smoke_sqldb_catalog": ("orders", "100"), "smoke_sql_database_catalog": ("customers", "2"),
                "smoke_sqldb_query": ("smoke_query", "1"), "smoke_oracle_custom_sql": ("smoke_query", "1"),
            ]
            for (file, (table, rows)) in expected.sorted(by: { $0.key < $1.key }) {
                var text = try String(contentsOfFile: "\(examples)/\(file).yaml", encoding: .utf8)
                text = text.replacing("destination: clickhouse", with: "destination: sqlite")
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                var kept: [Substring] = []
                var skipping = false
                for line in lines {
                    if line.hasPrefix("connections:") {
                        skipping = true
                    } else if let first = line.first,
                        first != " ", first != "#"
                    {
                        skipping = false
                    }
                    if !skipping { kept.append(line) }
                }
                let name = try #require(
                    kept.first { $0.contains("name: dlt__") }.map {
                        $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)
                    })
                let path = "\(folder)/\(name).yaml"
                try Data(kept.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
                var environment = setup.sourceEnvironment
                environment["PATH"] = "/usr/bin:/bin"
                let output = try await runProcess(
                    TestPaths.dltaf, ["exec", path, "--json"], environment: environment, directory: folder, timeout: 120
                )
                #expect(output.status == 0, "\(file): \(output.stdout) \(output.stderr)")
                let count = try await runProcess(
                    "/usr/bin/sqlite3", [folder + "/.dltaf/raw.sqlite", "SELECT count(*) FROM \(table)"])
                #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == rows, "\(file)")
            }
        }
    }

    @Test func aRefusedLoginFailsClearlyWithoutThePassword() async throws {
        try await Self.with { setup in
            let wrong = "not-the-password-\(UUID().uuidString.prefix(6))"
            let manifest = Self.manifest("dlt__auth__to__sqlite__demo", source: Self.catalog)
            let wrongPassword = ["SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD": wrong]
            // The built-in postgres check sees the source first (exit 3)...
            let (checked, _) = try await setup.exec("dlt__auth__to__sqlite__demo", manifest, extra: wrongPassword)
            #expect(checked.status == 3)
            #expect(!checked.stdout.contains(wrong) && !checked.stderr.contains(wrong))
            // ...and without it, the runner's own connection fails as a login failure (exit 1).
            let unchecked = manifest.replacing(
                "run: {write_disposition: append}",
                with: "run: {write_disposition: append, online_checks: {disable: [postgres]}}")
            let (output, result) = try await setup.exec("dlt__auth__to__sqlite__demo", unchecked, extra: wrongPassword)
            #expect(output.status == 1, "\(output.stdout)")
            #expect(result["error"]?["category"] == "AUTH")
            #expect(!output.stdout.contains(wrong) && !output.stderr.contains(wrong))
        }
    }

    @Test func oracleIsRefusedAtValidateTime() async throws {
        try await Self.with { setup in
            let source = """
                  kind: sqldb
                  dialect: oracle
                  mode: query
                  query: {queries: [{name: q, sql: "select 1 from dual"}]}
                """
            let body =
                Self.manifest("dlt__oracle__to__sqlite__demo", source: source)
                + "connections:\n  source: {kind: oracle, overrides: {drivername: oracle+oracledb}}\n"
            let (output, _) = try await setup.exec("dlt__oracle__to__sqlite__demo", body, ["--validate-only"])
            #expect(output.status == 2)
            #expect(output.stdout.contains("oracle sources are not supported by this build"), "\(output.stdout)")
        }
    }
}
