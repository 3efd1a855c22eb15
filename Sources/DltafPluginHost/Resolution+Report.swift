public import DltafJSON

extension Resolution {
    /// What `dltaf plugins which` prints: the spec, each candidate in search order with its verdict, and the
    /// winner's location and command (or `not found`).
    public var report: String {
        var lines = ["spec: \(spec)"]
        if let name = spec.installedName { lines.append("installed name: \(name)") }
        lines.append("candidates, in search order:")
        for candidate in candidates {
            lines.append("  \(candidate.verdict.marker) \(candidate.path)  [\(candidate.source)]")
        }
        if let resolved {
            lines.append("resolved: \(resolved.location) (\(resolved.delivery.rawValue))")
            lines.append("command: \(resolved.commandLine)")
        } else {
            lines.append("not found")
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON form of `report`: `{spec, installed_name?, candidates: [{path, source, verdict, reason?}],
    /// resolved: {location, delivery, command} | null}`.
    public var json: JSONValue {
        var object: JSONObject = [
            "spec": .string(spec.description),
            "candidates": .array(candidates.map(\.json)),
        ]
        if let name = spec.installedName { object["installed_name"] = .string(name) }
        if let resolved {
            object["resolved"] = [
                "location": .string(resolved.location), "delivery": .string(resolved.delivery.rawValue),
                "command": .array(([resolved.executable] + resolved.arguments).map { .string($0) }),
            ]
        } else {
            object["resolved"] = .null
        }
        return .object(object)
    }
}

extension ResolutionCandidate {
    /// `{path, source, verdict, reason?}`; the verdict in snake case.
    public var json: JSONValue {
        var entry: JSONObject = ["path": .string(path), "source": .string(source)]
        switch verdict {
        case .selected: entry["verdict"] = "selected"
        case .shadowed: entry["verdict"] = "shadowed"
        case .notFound: entry["verdict"] = "not_found"
        case .notExecutable: entry["verdict"] = "not_executable"
        case .skipped(let reason):
            entry["verdict"] = "skipped"
            entry["reason"] = .string(reason)
        case .invalid(let reason):
            entry["verdict"] = "invalid"
            entry["reason"] = .string(reason)
        }
        return .object(entry)
    }
}

extension ResolutionCandidate.Verdict {
    /// The verdict padded to one column width in `Resolution.report` (reasons make it longer).
    public var marker: String {
        switch self {
        case .selected: return "selected      "
        case .shadowed: return "shadowed      "
        case .notFound: return "not found     "
        case .notExecutable: return "not executable"
        case .skipped(let reason): return "skipped (\(reason))"
        case .invalid(let reason): return "invalid (\(reason))"
        }
    }
}
