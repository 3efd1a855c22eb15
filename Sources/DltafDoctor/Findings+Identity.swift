import DltafManifest
import DltafYAML

extension Findings {
    /// `version`, `pipeline`, `pipeline.name`, `airflow`, `airflow.dag_id`, then the source checks (the Python
    /// doctor stops after `PIPELINE_MISSING`).
    mutating func checkIdentity() {
        checkVersion()
        guard let pipeline = top("pipeline"), pipeline.value.isMapping else {
            add(
                .pipelineMissing, "The `pipeline:` section is missing or is not a mapping.",
                at: top("pipeline")?.keyMark ?? rootMark, ["pipeline"])
            return
        }
        // The file stem is the target, as in the Python doctor, unless it is no valid pipeline name while the
        // manifest's own name is (`smoke_mongodb.yaml` naming `dlt__mongodb__to__clickhouse__raw`): renaming the
        // pipeline then would make lint fail, so the file should be renamed instead.
        let nameEntry = pipeline.value.entry(forKey: "name")
        let currentName = PythonText.stripped(nameEntry?.value)
        var target = expectedName
        if PipelineNaming.problem(with: expectedName) != nil, !currentName.isEmpty, currentName != expectedName,
            PipelineNaming.problem(with: currentName) == nil
        {
            target = currentName
            add(
                .fileNameNotPipelineName,
                "The file name \(PythonText.quoted(expectedName)) is not a valid pipeline name (it needs `__` "
                    + "separators), while `pipeline.name` \(PythonText.quoted(currentName)) is: rename the file to "
                    + "\(currentName).yaml instead of renaming the pipeline.",
                at: nameEntry?.value.mark ?? pipeline.keyMark, ["pipeline", "name"])
        } else {
            checkName(
                in: pipeline, key: "name", expected: target, missing: .pipelineNameMissing,
                mismatch: .pipelineNameMismatch, mismatchText: "must match the manifest's file name")
        }
        if let airflow = top("airflow"), !airflow.value.isNull {
            if airflow.value.isMapping {
                checkName(
                    in: airflow, key: "dag_id", expected: target, missing: .airflowDagIDMissing,
                    mismatch: .airflowDagIDMismatch,
                    mismatchText: "must match `pipeline.name` and the manifest's file name")
            } else {
                add(
                    .airflowNotMapping, "The `airflow:` section must be a mapping (YAML object).",
                    at: airflow.value.mark, ["airflow"])
            }
        }
        checkSource()
    }

    private mutating func checkVersion() {
        let entry = top("version")
        guard let entry, !entry.value.isNull else {
            add(
                .versionMissing, "`version` is missing. Add `version: 1`.", at: entry?.keyMark ?? rootMark,
                ["version"], fix: DoctorFix(path: ["version"], value: .int(1), placement: .first))
            return
        }
        switch entry.value.scalarValue {
        case .int(1)?, .double(1)?: return
        default:
            add(
                .versionUnsupported,
                "Unsupported manifest version: version=\(PythonText.repr(entry.value)) (expected 1).",
                at: entry.value.mark, ["version"])
        }
    }

    /// `pipeline.name` / `airflow.dag_id`: set to `expectedName` (the file stem, or the valid pipeline name) when
    /// missing or different.
    private mutating func checkName(
        in section: YAMLMappingEntry, key: String, expected expectedName: String, missing: DoctorCode,
        mismatch: DoctorCode, mismatchText: String
    ) {
        let path: ManifestPath = [section.key, key]
        let fix = DoctorFix(path: path, value: .string(expectedName), placement: .first)
        let value = section.value.entry(forKey: key)
        let current = PythonText.stripped(value?.value)
        if current.isEmpty {
            add(
                missing, "`\(path)` is missing or empty. Set it to: \(expectedName)",
                at: value?.keyMark ?? section.keyMark, path, fix: fix)
        } else if current != expectedName {
            add(
                mismatch,
                "`\(path)` \(mismatchText). Now: \(PythonText.quoted(current)), expected: "
                    + PythonText.quoted(expectedName),
                at: value?.value.mark ?? section.keyMark, path, fix: fix)
        }
    }
}
