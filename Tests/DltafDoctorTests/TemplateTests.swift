import DltafDoctor
import DltafManifest
import Testing

@Suite("doctor templates and canonical sqldb")
struct TemplateTests {
    @Test(
        "each template loads and has no issue when the file is named after the pipeline",
        arguments: ManifestTemplate.Kind.allCases.map(\.rawValue) + ["sql_database", "oracle_custom_sql", "oracle"])
    func templates(_ kind: String) throws {
        let text = try ManifestTemplate.render(kind: kind, pipelineName: "dlt__x__to__ch__raw", dataset: "raw_dev")
        let manifest = try ManifestLoader.parse(
            bytes: Array(text.utf8), file: "/t/dlt__x__to__ch__raw.yaml", environment: [:])
        #expect(manifest.pipelineName == "dlt__x__to__ch__raw")
        #expect(manifest.string(at: ["pipeline", "dataset"]) == "raw_dev")
        let issues = try ManifestDoctor().diagnose(Array(text.utf8), file: "/t/dlt__x__to__ch__raw.yaml").issues
        #expect(issues.isEmpty, "\(issues)")
        #expect(text.hasPrefix("# NOTE: ") == ["sql_database", "oracle_custom_sql", "oracle"].contains(kind))
    }

    @Test("names YAML would misread are quoted")
    func quoting() throws {
        let text = try ManifestTemplate.render(kind: "mongodb", pipelineName: "no", dataset: "1.0")
        #expect(text.contains("  name: \"no\"\n"))
        #expect(text.contains("  dataset: \"1.0\"\n"))
    }

    @Test("an unknown kind lists the supported ones")
    func unknown() {
        #expect(throws: ManifestTemplate.UnknownKind.self) {
            try ManifestTemplate.render(kind: "uploader_b057", pipelineName: "x")
        }
    }

    @Test("legacy SQL layouts move into catalog, query and dialect_options")
    func canonical() throws {
        let text = """
            version: 1
            pipeline: {name: m, destination: ch, dataset: raw}
            source:
              kind: oracle_custom_sql
              name: orders
              init_sql: select 1 from dual
              fetch_batch_size: 100
              queries: [{name: q, sql: select 1 from dual}]

            """
        let yaml = try #require(try ManifestDoctor().diagnose(Array(text.utf8), file: "m.yaml").canonicalSQLDB)
        #expect(
            yaml.hasSuffix(
                """
                source:
                  kind: sqldb
                  name: orders
                  dialect: oracle
                  mode: query
                  query:
                    queries:
                      - name: q
                        sql: select 1 from dual
                    fetch_batch_size: 100
                  dialect_options:
                    init_sql: select 1 from dual

                """), "\(yaml)")
        let plain = "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\nsource: {kind: mongodb}\n"
        #expect(try ManifestDoctor().diagnose(Array(plain.utf8), file: "m.yaml").canonicalSQLDB == nil)
    }
}
