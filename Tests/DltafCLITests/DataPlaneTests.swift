import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// Runners that hand their rows to dltaf (`data.v1`), end to end through the `dltaf` executable, a real Python
/// SDK runner process, and a real SQLite file or PostgreSQL server.
@Suite("data plane: rows into SQLite and PostgreSQL, state committed with them", .serialized)
struct DataPlaneTests {
    /// Kind `numbers`: writes ids `state.next .. state.next + source.rows - 1` to stream `numbers`, a checkpoint
    /// every `source.every` rows with `{next}` as the state; with `source.die_after`, it kills itself after that
    /// many checkpoints (rows written after the last one are in flight, never committed).
    static let runnerBody = """
        import signal

        @plugin.runner("numbers")
        def run(call):
            source = call.manifest["source"]
            start = (call.pipeline_state or {}).get("next", 1)
            total, every = source.get("rows", 10), source.get("every", 1000000)
            call.data_options(transport=source.get("transport", "ndjson"), batch_rows=source.get("batch", 1000))
            call.open("numbers", primary_key=["id"])
            checkpoints = 0
            for first in range(start, start + total, every):
                last = min(first + every, start + total)
                call.write("numbers", ({"id": i, "label": "n%d" % i, "half": i / 2} for i in range(first, last)))
                call.checkpoint({"next": last})
                checkpoints += 1
                call.log("info", "committed checkpoint %d" % checkpoints)
                time.sleep(source.get("pause", 0))
                if checkpoints == source.get("die_after"):
                    call.write("numbers", ({"id": -i, "label": "lost"} for i in range(1, 500)))
                    os.kill(os.getpid(), signal.SIGKILL)
            if source.get("bad_file"):
                # Past the SDK's own check, as a hand-written plugin would send it: the host must refuse it.
                call._data()._send("data/write", {"stream": "numbers", "file": {"path": "/etc/hostname", "format": "csv"}})
                call.checkpoint({"next": 0})
            return {"status": "success", "message": "wrote %d rows" % total}

        @plugin.runner("hostile")
        def hostile(call):
            names = ["Order ID", "select", "na\\u00efve", 'quote"d']
            call.write("Weird Stream", [dict(zip(names, [1, "a", "b", "c"])) | {"amount": 1.5}])
            call.checkpoint({"step": 1})
            call.write("Weird Stream", [dict(zip(names, [2, "x", "y", "z"])) | {"amount": "lots"}])
            return {"status": "success"}
        """

    static func manifest(source: String, destination: String = "sqlite", kind: String = "numbers") -> String {
        """
        version: 1
        pipeline: {name: dlt__numbers__to__\(destination)__demo, destination: \(destination), dataset: demo}
        source: {kind: \(kind), \(source)}
        run:
          runners: {plugins: [acme.numbers]}
          write_disposition: append
          schema_contract: evolve

        """
    }

    func workspace() throws -> Workspace {
        let workspace = try Workspace()
        try workspace.pythonPlugin(spec: "acme.numbers", body: Self.runnerBody)
        return workspace
    }

    func sqlite(_ workspace: Workspace, _ query: String) async throws -> String {
        let output = try await runProcess(
            "/usr/bin/sqlite3", [workspace.path(".dltaf/demo.sqlite"), query], directory: workspace.path(""))
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("rows land in .dltaf/<dataset>.sqlite; the next run resumes from the committed state (append)")
    func appendAndResume() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 2500, every: 1000"))
        let first = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let result = try first.json()
        #expect(result["load_metrics"]?["rows_count"] == 2500)
        #expect(result["table_stats"]?[0]?["target_table"] == "numbers")
        #expect(result["load"]?["checkpoints"]?.intValue ?? 0 >= 3)
        #expect(try await sqlite(workspace, "select count(*), min(id), max(id) from numbers") == "2500|1|2500")
        let second = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(
            try await sqlite(workspace, "select count(*), count(distinct id), max(id) from numbers") == "5000|5000|5000"
        )
        #expect(try await sqlite(workspace, "select state from _dltaf_state where stream = ''").contains("5001"))
    }

    @Test("a runner killed mid-stream leaves only its committed checkpoints; the rerun loads exactly the rest")
    func killedRunnerResumes() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 3000, every: 1000, die_after: 2"))
        let killed = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(killed.status == 1)
        #expect(try await sqlite(workspace, "select count(*), max(id), min(id) from numbers") == "2000|2000|1")
        try workspace.write("m.yaml", Self.manifest(source: "rows: 1000, every: 1000"))
        let rerun = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(
            try await sqlite(workspace, "select count(*), count(distinct id), sum(id) from numbers")
                == "3000|3000|\(3000 * 3001 / 2)")
    }

    @Test("merge by primary key replays without duplicates; inline batches load the same rows")
    func mergeReplay() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 1500, every: 500, transport: inline"))
        for _ in 0..<2 {
            try? FileManager.default.removeItem(atPath: workspace.path(".dltaf/reset"))
            let run = try await workspace.dltaf(["exec", "m.yaml", "--set", "run.write_disposition=merge"])
            #expect(run.status == 0, "\(run.stderr)")
            // Replay the same ids: forget the state, as a reset would.
            _ = try await sqlite(workspace, "delete from _dltaf_state")
        }
        #expect(try await sqlite(workspace, "select count(*), count(distinct id) from numbers") == "1500|1500")
    }

    @Test("a file outside the spool folder fails the run naming the stream; committed rows stay")
    func fileOutsideSpool() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 100, every: 100, bad_file: true"))
        let run = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(run.status == 1)
        let result = try run.json()
        #expect(result["error"]?["code"] == "file_outside_spool", "\(run.stdout)")
        #expect(try await sqlite(workspace, "select count(*) from numbers") == "100")
    }

    @Test("into PostgreSQL with COPY: credentials from the environment, the password never shown")
    func postgres() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try await LocalPostgres.with { server in
            try workspace.write(
                "m.yaml", Self.manifest(source: "rows: 5000, every: 2000", destination: "postgres"))
            let environment = [
                "DESTINATION__POSTGRES__CREDENTIALS__HOST": "127.0.0.1",
                "DESTINATION__POSTGRES__CREDENTIALS__PORT": String(server.port),
                "DESTINATION__POSTGRES__CREDENTIALS__DATABASE": server.database,
                "DESTINATION__POSTGRES__CREDENTIALS__USERNAME": server.user,
                "DESTINATION__POSTGRES__CREDENTIALS__PASSWORD": server.password,
            ]
            let run = try await workspace.dltaf(["exec", "m.yaml", "--json"], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.stdout.contains(server.password) && !run.stderr.contains(server.password))
            let query = try await runProcess(
                "/usr/bin/psql",
                [
                    "-h", "127.0.0.1", "-p", String(server.port), "-U", server.user, "-d", server.database, "-At",
                    "-c", "select count(*), sum(id) from demo.numbers",
                ], environment: ["PGPASSWORD": server.password, "PATH": "/usr/bin:/bin"])
            #expect(query.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5000|\(5000 * 5001 / 2)")
        }
    }
}

extension DataPlaneTests {
    @Test("state show prints the committed state; state reset (with --yes) makes the next run start over")
    func stateCommands() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 300, every: 100"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 0)
        let shown = try await workspace.dltaf(["state", "show", "--manifest", "m.yaml", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(try shown.json()["state"]?["next"] == 301)
        let unconfirmed = try await workspace.dltaf(["state", "reset", "--manifest", "m.yaml"])
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.stderr.contains("--yes"))
        let reset = try await workspace.dltaf(["state", "reset", "--manifest", "m.yaml", "--yes"])
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(
            try await workspace.dltaf(["state", "show", "--manifest", "m.yaml", "--json"]).json()["state"] == .null)
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 0)
        // Started over: ids 1...300 again, appended.
        #expect(try await sqlite(workspace, "select count(*), count(distinct id) from numbers") == "600|300")
    }
}

extension DataPlaneTests {
    @Test("every exec leaves an audit record where its rows went; runs list and runs show read them back")
    func runAudit() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", Self.manifest(source: "rows: 200, every: 100"))
        let loaded = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let runID = try #require(try loaded.json()["run_id"]?.stringValue)
        try workspace.write("m.yaml", Self.manifest(source: "rows: 100, every: 100, die_after: 1"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 1)
        #expect(try await workspace.dltaf(["exec", "m.yaml", "--plan"]).status == 0)
        // Loaded runs sit with their rows; the plan (no load) in the local store; `runs list` reads both.
        #expect(try await sqlite(workspace, "select count(*) from _pipeline_runs") == "2")
        let listed = try await workspace.dltaf(["runs", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let runs = try listed.json().arrayValue ?? []
        #expect(runs.map { $0["status"]?.stringValue ?? "" } == ["planned", "failed", "success"])
        #expect(runs.last?["rows_count"] == 200)
        #expect(runs[1]["error_class"] != nil)
        let text = try await workspace.dltaf(["runs", "list", "--pipeline", "dlt__numbers__to__sqlite__demo"])
        #expect(text.stdout.contains("STATUS") && text.stdout.contains(runID))
        let shown = try await workspace.dltaf(["runs", "show", runID, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let details = try shown.json()
        #expect(details["tables_json"]?["tables"]?[0]?["rows_committed"] == 200)
        #expect(details["units"]?[0]?["resume_key"] == "table:numbers")
        #expect(try await workspace.dltaf(["runs", "show", "no-such-run"]).status == 1)
    }
}

/// dltaf itself dies, or the destination goes away, in the middle of a load.
@Suite("data plane under failure: dltaf killed mid-load, the destination stopped", .serialized)
struct DataPlaneFailureTests {
    let base = DataPlaneTests()

    @Test("dltaf SIGKILLed while rows are in flight: the rerun resumes from the last commit, exactly")
    func killedHost() async throws {
        let workspace = try base.workspace()
        defer { workspace.remove() }
        try workspace.write("m.yaml", DataPlaneTests.manifest(source: "rows: 5000, every: 1000, pause: 0.5"))
        let dltaf = try BackgroundProcess(
            TestPaths.dltaf, ["exec", "m.yaml"], environment: workspace.environment(), directory: workspace.path(""))
        try await dltaf.waitForOutput(containing: "committed checkpoint 2", timeout: 60)
        kill(dltaf.pid, SIGKILL)
        await dltaf.stop(grace: 5)
        let committed = try await base.sqlite(workspace, "select count(*) from numbers")
        let next = try await base.sqlite(workspace, "select state from _dltaf_state where stream = ''")
        // Only whole checkpoints: 2,000 or 3,000 rows, and the state says where the next run starts.
        #expect(["2000", "3000"].contains(committed), "\(committed)")
        #expect(next.contains("\(Int(committed).map { $0 + 1 } ?? 0)"), "\(next)")
        let remaining = 5000 - (Int(committed) ?? 0)
        try workspace.write("m.yaml", DataPlaneTests.manifest(source: "rows: \(remaining), every: 1000"))
        let rerun = try await workspace.dltaf(["exec", "m.yaml"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(
            try await base.sqlite(workspace, "select count(*), count(distinct id), sum(id) from numbers")
                == "5000|5000|\(5000 * 5001 / 2)")
    }

    @Test("PostgreSQL stopped mid-load: a retryable CONNECTIVITY failure naming the destination, exit 1")
    func destinationGoesAway() async throws {
        let workspace = try base.workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml", DataPlaneTests.manifest(source: "rows: 3000, every: 1000, pause: 2", destination: "postgres"))
        let server = try await LocalPostgres.start()
        let environment = workspace.environment([
            "DESTINATION__POSTGRES__CREDENTIALS__HOST": "127.0.0.1",
            "DESTINATION__POSTGRES__CREDENTIALS__PORT": String(server.port),
            "DESTINATION__POSTGRES__CREDENTIALS__DATABASE": server.database,
            "DESTINATION__POSTGRES__CREDENTIALS__USERNAME": server.user,
            "DESTINATION__POSTGRES__CREDENTIALS__PASSWORD": server.password,
        ])
        let dltaf = try BackgroundProcess(
            TestPaths.dltaf, ["exec", "m.yaml", "--json"], environment: environment, directory: workspace.path(""))
        try await dltaf.waitForOutput(containing: "committed checkpoint 1", timeout: 60)
        await server.stop()
        let deadline = Date().addingTimeInterval(60)
        while !dltaf.hasExited, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let output = dltaf.text
        await dltaf.stop(grace: 1)
        #expect(output.contains("\"category\": \"CONNECTIVITY\""), "\(output)")
        #expect(output.contains("\"code\": \"destination_failed\""))
        #expect(output.contains("\"exit_code\": 1"))
        #expect(!output.contains(server.password))
    }
}

extension DataPlaneTests {
    @Test(
        "hostile names are normalised and quoted; a value that does not fit follows the contract, never a silent cast",
        arguments: [
            ("evolve", 0, "2|1.5,|,lots"), ("discard_value", 0, "2|1.5,"), ("discard_row", 0, "1|1.5"),
            ("freeze", 1, "1|1.5"),
        ])
    func contracts(contract: String, status: Int32, expected: String) async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        try workspace.write(
            "m.yaml",
            Self.manifest(source: "note: x", kind: "hostile").replacingOccurrences(
                of: "schema_contract: evolve", with: "schema_contract: \(contract)"))
        let run = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(run.status == status, "\(contract): \(run.stderr)")
        if status != 0 { #expect(try run.json()["error"]?["code"] == "schema_contract") }
        let columns = try await sqlite(
            workspace, "select group_concat(name, ',') from pragma_table_info('weird_stream')")
        for name in ["order_id", "select", "na_ve", "quote_d", "amount"] {
            #expect(columns.contains(name), "\(columns)")
        }
        let variant = columns.contains("amount__v_text") ? ", amount__v_text" : ""
        let rows = try await sqlite(
            workspace,
            "select count(*), group_concat(coalesce(amount, '') || ',' || coalesce(\(variant.isEmpty ? "''" : "amount__v_text"), ''), '|') "
                + "from (select * from weird_stream order by order_id)")
        // count|values: the first row always; the second as the contract says.
        let count = rows.split(separator: "|").first.map(String.init) ?? ""
        #expect(count == String(expected.split(separator: "|").first ?? ""), "\(contract): \(rows)")
        if contract == "evolve" { #expect(rows.contains("lots"), "the text went to a variant column: \(rows)") }
        if contract != "evolve" { #expect(!rows.contains("lots"), "\(contract) kept the value: \(rows)") }
    }
}

extension DataPlaneTests {
    @Test("replace: a killed run leaves the old table; the next replace starts from no state and swaps in all rows")
    func replaceStartsOver() async throws {
        let workspace = try workspace()
        defer { workspace.remove() }
        let replace = { (source: String) in
            Self.manifest(source: source).replacingOccurrences(
                of: "write_disposition: append", with: "write_disposition: replace")
        }
        try workspace.write("m.yaml", replace("rows: 1000, every: 1000"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 0)
        try workspace.write("m.yaml", replace("rows: 3000, every: 1000, die_after: 2"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 1)
        #expect(try await sqlite(workspace, "select count(*), max(id) from numbers") == "1000|1000")
        try workspace.write("m.yaml", replace("rows: 3000, every: 1000"))
        #expect(try await workspace.dltaf(["exec", "m.yaml"]).status == 0)
        #expect(try await sqlite(workspace, "select count(*), min(id), max(id) from numbers") == "3000|1|3000")
    }
}
