import Testing

@testable import DltafManifest

@Suite("pipeline naming")
struct PipelineNamingTests {
    @Test(arguments: [
        ("a__b", ["a", "b"]), ("a___b", ["a", "_b"]), ("a__", ["a", ""]), ("__a", ["", "a"]), ("a_", ["a_"]),
        ("dlt__x__to__y__z", ["dlt", "x", "to", "y", "z"]), ("", [""]),
    ])
    func splitsLikePython(name: String, expected: [String]) {
        #expect(PipelineNaming.parts(name) == expected)
    }

    @Test(arguments: [("Oracle-Colvir", "oracle_colvir"), ("__a--b__", "a_b"), ("ÄÖ", ""), ("raw", "raw")])
    func normalizesTokensLikePython(token: String, expected: String) {
        #expect(PipelineNaming.normalize(token) == expected)
    }

    @Test func namesAndConvention() {
        #expect(PipelineNaming.problem(with: "orders")?.contains("must contain \"__\"") == true)
        #expect(PipelineNaming.problem(with: "a__--__b")?.contains("\"--\"") == true)
        #expect(PipelineNaming.problem(with: "my__pipeline") == nil)
        #expect(PipelineNaming.conventionGap(name: "my__pipeline", destination: nil, dataset: nil) != nil)
        #expect(
            PipelineNaming.conventionGap(
                name: "dlt__pg__to__clickhouse__raw", destination: "ClickHouse", dataset: "raw")
                == nil)
        #expect(
            PipelineNaming.conventionGap(name: "dlt__pg__to__clickhouse__raw", destination: "duckdb", dataset: "raw")?
                .contains("pipeline.destination is \"duckdb\"") == true)
        #expect(
            PipelineNaming.conventionalName(source: "Oracle Colvir", destination: "clickhouse", dataset: "raw")
                == "dlt__oracle_colvir__to__clickhouse__raw")
    }
}

@Suite("built-in source kinds")
struct BuiltinSourceKindsTests {
    @Test func derivedFromTheSourceShapes() {
        #expect(
            ManifestSchema.builtinSourceKinds == ["sqldb", "oracle", "oracle_custom_sql", "sql_database", "mongodb"])
    }
}
