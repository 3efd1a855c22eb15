import DltafJSON
import DltafTestSupport
import Foundation
import Testing

/// A team moving from the Python dltaf can plan and dry-run its manifests before their secrets resolve, and its
/// mongodb manifests before a runner plugin for that kind is installed (sqldb is built in); a real run needs both.
@Suite("plans of built-in kinds without a runner plugin")
struct PlanWithoutRunnerTests {
    static let manifest = """
        version: 1
        pipeline: {name: dlt__pg__to__clickhouse__raw, destination: clickhouse, dataset: raw}
        source: {kind: sqldb, dialect: generic, mode: catalog, catalog: {schema: public, tables: [orders]}}
        connections:
          source: {kind: postgres, vault: "company:postgres/orders"}
          destination: {kind: clickhouse, vault: "company:clickhouse/main", overrides: {database: raw}}

        """

    @Test("--plan and --dry-run go on (warnings name the runner and the unresolved secrets); a run exits 2")
    func planDryRunAndRun() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("dlt__pg__to__clickhouse__raw.yaml", Self.manifest)
        let file = "dlt__pg__to__clickhouse__raw.yaml"
        // No VAULT_ADDR: the Vault reads fail, which a plan reports instead of failing on.
        let plan = try await workspace.dltaf(["exec", file, "--plan", "--json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try plan.json()
        #expect(planned["status"] == "planned")
        #expect(planned["plan"]?["runner"]?["origin"] == "builtin")
        #expect(planned["plan"]?["expected_tables"] == ["orders"])
        let warnings = (planned["warnings"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n")
        #expect(!warnings.contains("no runner plugin serves"))
        #expect(warnings.contains("nothing resolved for connections.source"))

        let dryRun = try await workspace.dltaf(["exec", file, "--dry-run", "--json"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        let errors = try dryRun.json()["plan"]?["dry_run"]?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(errors.contains { $0.contains("SOURCES__SQL_DATABASE__CREDENTIALS__PASSWORD") })
        let strict = try await workspace.dltaf(["exec", file, "--dry-run", "--dry-run-strict"])
        #expect(strict.status == 3)

        // A real run fails on the first unresolved secret, before any plugin starts.
        let run = try await workspace.dltaf(["exec", file])
        #expect(run.status != 0)
        #expect(run.stderr.contains("VAULT_ADDR"))
    }

    @Test("a mongodb manifest plans without its runner plugin, and a run says which runner is missing")
    func mongodbWithoutRunner() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let file = "dlt__mongo__to__sqlite__raw.yaml"
        try workspace.write(
            file,
            "version: 1\npipeline: {name: dlt__mongo__to__sqlite__raw, destination: sqlite, dataset: raw}\n"
                + "source: {kind: mongodb, database: app, collection_names: [orders]}\n")
        let plan = try await workspace.dltaf(["exec", file, "--plan", "--json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try plan.json()
        #expect(planned["plan"]?["runner"]?["origin"] == "none")
        let warnings = (planned["warnings"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n")
        #expect(warnings.contains("no runner plugin serves source.kind \"mongodb\""), "\(warnings)")
        let run = try await workspace.dltaf(["exec", file])
        #expect(run.status == 2)
        #expect(run.stderr.contains("mongodb"))
    }
}
