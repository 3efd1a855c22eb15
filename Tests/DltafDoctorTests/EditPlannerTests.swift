import DltafDoctor
import Testing

@Suite("doctor edits in memory")
struct EditPlannerTests {
    /// The text after `--apply`, checked to load and to have no FIX issue left.
    private func fixed(_ text: String, file: String = "m.yaml", doctor: ManifestDoctor = ManifestDoctor()) throws
        -> String
    {
        let diagnosis = try doctor.diagnose(Array(text.utf8), file: file)
        let outcome = try doctor.fix(Array(text.utf8), file: file, diagnosis: diagnosis)
        #expect(outcome.skipped.isEmpty, "\(outcome.skipped)")
        return String(decoding: outcome.bytes, as: UTF8.self)
    }

    @Test("list items at boolean paths are replaced in place")
    func listItems() throws {
        let paths = BooleanPaths(dotted: ["flags.*"])
        let doctor = ManifestDoctor(analyzer: ManifestAnalyzer(isBooleanPath: { paths.contains($0) }))
        let text = "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\nflags: [yes, \"no\", n]\n"
        #expect(try fixed(text, doctor: doctor).hasSuffix("flags: [true, \"no\", false]\n"))
    }

    @Test("null and empty values are filled in where they are written")
    func emptyValues() throws {
        #expect(
            try fixed("version: ~\npipeline: {name: , destination: ch, dataset: raw}\n")
                == "version: 1\npipeline: {name: m, destination: ch, dataset: raw}\n")
        #expect(
            try fixed("version: 1\npipeline:\n  name:\n  destination: ch\n")
                == "version: 1\npipeline:\n  name: m\n  destination: ch\n")
    }

    @Test("quotes are kept and escaped in their own style")
    func quoting() throws {
        #expect(
            try fixed("version: 1\npipeline: {name: 'x', dataset: raw}\n", file: "/d/it's.yaml")
                == "version: 1\npipeline: {name: 'it''s', dataset: raw}\n")
        #expect(
            try fixed("version: 1\npipeline: {name: \"x\", dataset: raw}\n", file: "/d/a\"b.yaml")
                == "version: 1\npipeline: {name: \"a\\\"b\", dataset: raw}\n")
        #expect(
            try fixed("version: 1\npipeline: {name: x, dataset: raw}\n", file: "/d/true.yaml")
                == "version: 1\npipeline: {name: \"true\", dataset: raw}\n")
    }

    @Test("multi-byte text and a BOM before the value do not shift the edit")
    func multibyte() throws {
        let text = "\u{FEFF}version: 1\n# Données: émoji 🚀\npipeline: {dataset: \"données\", name: ancien}\n"
        #expect(
            try fixed(text, file: "/d/m.yaml")
                == "\u{FEFF}version: 1\n# Données: émoji 🚀\npipeline: {dataset: \"données\", name: m}\n")
    }

    @Test("missing keys go after their sibling in a block mapping, in issue order")
    func afterSiblings() throws {
        let text = """
            version: 1
            pipeline: {name: m, destination: ch, dataset: raw}
            source:
              kind: oracle
              query:
                queries:
                  - name: q
                    sql: |
                      select 1
                      from dual

              # tail comment
            """
        #expect(
            try fixed(text)
                == """
                version: 1
                pipeline: {name: m, destination: ch, dataset: raw}
                source:
                  kind: sqldb
                  dialect: oracle
                  mode: query
                  query:
                    queries:
                      - name: q
                        sql: |
                          select 1
                          from dual

                  # tail comment
                """)
    }

    @Test("a key added at the end of a mapping goes after nested blocks and block scalars, before blank lines")
    func afterBlockScalar() throws {
        let paths = BooleanPaths(dotted: ["source.strict"])
        let doctor = ManifestDoctor(analyzer: ManifestAnalyzer(isBooleanPath: { paths.contains($0) }))
        let text = """
            version: 1
            base: &base {strict: no}
            pipeline: {name: m, destination: ch, dataset: raw}
            source:
              <<: *base
              kind: k
              query:
                - sql: >
                    select 1

            airflow: {dag_id: m}

            """
        #expect(
            try fixed(text, doctor: doctor)
                == """
                version: 1
                base: &base {strict: no}
                pipeline: {name: m, destination: ch, dataset: raw}
                source:
                  <<: *base
                  kind: k
                  query:
                    - sql: >
                        select 1
                  strict: false

                airflow: {dag_id: m}

                """)
    }
}
