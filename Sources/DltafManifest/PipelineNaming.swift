import Foundation

/// The pipeline naming convention `dlt__<source>__to__<destination>__<dataset>`.
public enum PipelineNaming {
    /// Why `name` cannot be a pipeline name, as the Python dltaf decides it (an error); nil when it can.
    public static func problem(with name: String) -> String? {
        guard name.contains("__") else {
            return
                "pipeline name \"\(name)\" must contain \"__\" separators (dlt__<source>__to__<destination>__<dataset>)"
        }
        for part in name.components(separatedBy: "__") where !part.isEmpty && normalize(part).isEmpty {
            return "pipeline name \"\(name)\" has a part \"\(part)\" with no letters or digits"
        }
        return nil
    }

    /// How `name` departs from the full convention (a warning); nil when it follows it.
    public static func conventionGap(name: String, destination: String?, dataset: String?) -> String? {
        let parts = name.components(separatedBy: "__")
        let expected = "dlt__<source>__to__<destination>__<dataset>"
        guard parts.count == 5, parts[0] == "dlt", parts[2] == "to" else {
            return "pipeline name \"\(name)\" does not follow \(expected)"
        }
        if let bad = parts.first(where: { !isToken($0) }) {
            return "pipeline name part \"\(bad)\" is not lowercase snake_case (a-z, 0-9, single underscores)"
        }
        if let destination, let token = try? normalized(destination), token != parts[3] {
            return "pipeline name says destination \"\(parts[3])\" but pipeline.destination is \"\(destination)\""
        }
        if let dataset, let token = try? normalized(dataset), token != parts[4] {
            return "pipeline name says dataset \"\(parts[4])\" but pipeline.dataset is \"\(dataset)\""
        }
        return nil
    }

    /// The conventional name for a source, destination and dataset.
    public static func conventionalName(source: String, destination: String, dataset: String) -> String? {
        guard let source = try? normalized(source), let destination = try? normalized(destination),
            let dataset = try? normalized(dataset)
        else { return nil }
        return "dlt__\(source)__to__\(destination)__\(dataset)"
    }

    private struct EmptyToken: Error {}

    private static func normalized(_ token: String) throws(EmptyToken) -> String {
        let result = normalize(token)
        if result.isEmpty { throw EmptyToken() }
        return result
    }

    /// Lowercase; runs of anything but a-z and 0-9 become one underscore; no underscore at either end.
    static func normalize(_ token: String) -> String {
        var result = ""
        var pendingUnderscore = false
        for character in token.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                if pendingUnderscore, !result.isEmpty { result.append("_") }
                pendingUnderscore = false
                result.append(character)
            } else {
                pendingUnderscore = true
            }
        }
        return result
    }

    private static func isToken(_ part: String) -> Bool {
        !part.isEmpty && normalize(part) == part
    }
}
