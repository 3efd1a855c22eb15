import DltafJSON

/// The checks every manifest must pass before anything runs: shape of the known sections, with located,
/// "did you mean" diagnostics. (Source-kind specific checks belong to the runner's own `validate`.)
public enum ManifestValidator {
    /// Top-level keys of manifest v1.
    public static let topLevelKeys = [
        "version", "pipeline", "source", "run", "connections", "airflow", "depends_on", "task_group",
    ]
    /// Keys of `pipeline`.
    public static let pipelineKeys = ["name", "destination", "dataset", "progress", "dev_mode"]
    /// Keys of `run.hooks` and `run.online_checks`.
    public static let selectionKeys = ["enable", "disable", "only", "plugins", "config"]
    /// Accepted `run.write_disposition` values.
    public static let writeDispositions = ["replace", "append", "merge"]

    /// Every finding about `manifest`; an empty list means it may run.
    public static func validate(_ manifest: Manifest) -> [ManifestDiagnostic] {
        var findings = Findings(manifest: manifest)
        findings.checkKeys(at: .root, allowed: topLevelKeys, section: "the manifest")
        findings.checkVersion()
        findings.checkPipeline()
        findings.checkSource()
        findings.checkRun()
        if let dependencies = manifest.value["depends_on"], dependencies.arrayValue == nil,
            dependencies.stringValue == nil
        {
            findings.add(
                "manifest.type", "depends_on must be a list, got \(dependencies.typeDescription)", ["depends_on"])
        }
        return findings.items
    }

    /// Reads a boolean where the schema expects one: JSON booleans, and the words the Python dltaf accepts
    /// (`yes/no/on/off/y/n/true/false/1/0`, any case). Nil means the value is not a boolean.
    public static func coerceBool(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .int(let number) where number == 0 || number == 1: return number == 1
        case .string(let text):
            switch text.lowercased() {
            case "true", "yes", "y", "on", "1": return true
            case "false", "no", "n", "off", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    private struct Findings {
        let manifest: Manifest
        var items: [ManifestDiagnostic] = []

        mutating func add(_ code: String, _ message: String, _ path: ManifestPath, onKey: Bool = false) {
            items.append(manifest.diagnostic(code, message, at: path, onKey: onKey))
        }

        /// A missing key: reported at the key of the mapping that should hold it, with the missing key's path.
        mutating func addMissing(_ message: String, _ path: ManifestPath) {
            var finding = manifest.diagnostic("manifest.missing_key", message, at: path.parent ?? path, onKey: true)
            finding.path = path
            items.append(finding)
        }

        mutating func checkKeys(at path: ManifestPath, allowed: [String], section: String) {
            guard let object = manifest.value(at: path)?.objectValue else { return }
            for key in object.keys where !allowed.contains(key) {
                add(
                    "manifest.unknown_key",
                    "unknown key \"\(key)\" in \(section)\(Suggestions.hint(for: key, in: allowed)); "
                        + "expected one of: \(allowed.joined(separator: ", "))",
                    path.appending(key), onKey: true)
            }
        }

        /// The mapping at `path`, reporting a type error when something else is there.
        mutating func mapping(at path: ManifestPath, required: Bool) -> JSONObject? {
            guard let value = manifest.value(at: path), !value.isNull else {
                if required { add("manifest.missing_key", "missing required mapping \"\(path)\"", path) }
                return nil
            }
            guard let object = value.objectValue else {
                add("manifest.type", "\(path) must be a mapping, got \(value.typeDescription)", path)
                return nil
            }
            return object
        }

        mutating func requireString(at path: ManifestPath) {
            guard let value = manifest.value(at: path), !value.isNull else {
                addMissing("missing required key \"\(path)\" (a non-empty string)", path)
                return
            }
            guard let text = value.stringValue else {
                add("manifest.type", "\(path) must be a string, got \(value.typeDescription)", path)
                return
            }
            if text.isEmpty { add("manifest.empty_value", "\(path) must not be empty", path) }
        }

        mutating func checkVersion() {
            guard let version = manifest.value["version"] else {
                add("manifest.version_missing", "missing \"version: 1\" at the top of the manifest", .root)
                return
            }
            let number = version.intValue ?? version.stringValue.flatMap { Int($0) }
            if number != 1 {
                add(
                    "manifest.version_unsupported", "unsupported manifest version \(version.jsonText); expected 1",
                    ["version"])
            }
        }

        mutating func checkPipeline() {
            guard mapping(at: ["pipeline"], required: true) != nil else { return }
            checkKeys(at: ["pipeline"], allowed: ManifestValidator.pipelineKeys, section: "pipeline")
            for key in ["name", "destination", "dataset"] { requireString(at: ["pipeline", key]) }
            // An empty string is what an unset `${ENV:...}` leaves: no value, as in the Python dltaf.
            if let devMode = manifest.value(at: ["pipeline", "dev_mode"]), !devMode.isNull, devMode != "",
                ManifestValidator.coerceBool(devMode) == nil
            {
                add(
                    "manifest.type", "pipeline.dev_mode must be a boolean (true/false), got \(devMode.jsonText)",
                    ["pipeline", "dev_mode"])
            }
        }

        mutating func checkSource() {
            guard mapping(at: ["source"], required: true) != nil else { return }
            requireString(at: ["source", "kind"])
        }

        mutating func checkRun() {
            guard mapping(at: ["run"], required: false) != nil else { return }
            if let disposition = manifest.value(at: ["run", "write_disposition"]), !disposition.isNull {
                let text = disposition.stringValue ?? ""
                if !ManifestValidator.writeDispositions.contains(text) {
                    add(
                        "manifest.invalid_value",
                        "run.write_disposition must be one of \(ManifestValidator.writeDispositions.joined(separator: ", ")), "
                            + "got \(disposition.jsonText)\(Suggestions.hint(for: text, in: ManifestValidator.writeDispositions))",
                        ["run", "write_disposition"])
                }
            }
            for section in ["hooks", "online_checks"] {
                let path: ManifestPath = ["run", section]
                guard let object = mapping(at: path, required: false) else { continue }
                checkKeys(at: path, allowed: ManifestValidator.selectionKeys, section: "run.\(section)")
                for key in ["enable", "disable", "only", "plugins"] { checkStringList(at: path.appending(key)) }
                if object["only"] != nil, object["enable"] != nil || object["disable"] != nil {
                    add(
                        "manifest.selection_conflict",
                        "run.\(section).only cannot be combined with enable or disable", path.appending("only"),
                        onKey: true)
                }
                if let config = object["config"], !config.isNull {
                    guard let entries = config.objectValue else {
                        add(
                            "manifest.type", "run.\(section).config must be a mapping of name: {settings}",
                            path.appending("config"))
                        continue
                    }
                    for (name, settings) in entries where settings.objectValue == nil && !settings.isNull {
                        add(
                            "manifest.type",
                            "run.\(section).config.\(name) must be a mapping, got \(settings.typeDescription)",
                            path.appending("config").appending(name))
                    }
                }
            }
            if mapping(at: ["run", "runners"], required: false) != nil {
                checkKeys(at: ["run", "runners"], allowed: ["plugins"], section: "run.runners")
                checkStringList(at: ["run", "runners", "plugins"])
            }
        }

        mutating func checkStringList(at path: ManifestPath) {
            guard let value = manifest.value(at: path), !value.isNull else { return }
            if value.stringValue != nil { return }
            guard let items = value.arrayValue else {
                add(
                    "manifest.type", "\(path) must be a string or a list of strings, got \(value.typeDescription)", path
                )
                return
            }
            for (index, item) in items.enumerated() where item.stringValue == nil {
                add(
                    "manifest.type", "\(path)[\(index)] must be a string, got \(item.typeDescription)",
                    path.appending(index: index))
            }
        }
    }
}
