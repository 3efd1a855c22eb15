public import DltafJSON

extension InfraCheckRow {
    /// What `dltaf infra-checks list` prints: a NAME, ORIGIN, APPLIES, SELECTED, DESCRIPTION table of `rows`.
    public static func table(_ rows: [InfraCheckRow]) -> String {
        TextTable.render(
            [["NAME", "ORIGIN", "APPLIES", "SELECTED", "DESCRIPTION"]]
                + rows.map {
                    [$0.name, $0.origin, $0.applies ? "yes" : "no", $0.selected ? "yes" : "no", $0.description ?? ""]
                })
    }

    /// `plugin <spec>: <registered checks>` (or `failed`) for each result of a plugin loading report.
    public static func pluginLines(_ plugins: JSONValue) -> [String] {
        (plugins["results"]?.arrayValue ?? []).map { result in
            let spec = result["plugin"]?.stringValue ?? "?"
            let registered = (result["registered"]?.arrayValue ?? []).compactMap(\.stringValue)
            return result["ok"]?.boolValue == true
                ? "plugin \(spec): \(registered.joined(separator: ", "))" : "plugin \(spec): failed"
        }
    }
}
