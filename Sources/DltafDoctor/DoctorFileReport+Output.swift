public import DltafJSON
import DltafManifest
import DltafYAML

extension DoctorFileReport {
    /// The lines the Python doctor prints for this file: `OK   name`, or `ISSUE ...` with one line per issue,
    /// then `SKIP`/`APPLY` lines, and `FAIL name: ...` when the file could not be examined or fixed.
    public var textLines: [String] {
        var lines: [String] = []
        if issues.isEmpty {
            if let failure { return ["FAIL \(name): \(failure.shortDescription)"] }
            return ["OK   \(name)"]
        }
        let fixes = issues.filter { $0.level == .fix && $0.fix != nil }.count
        lines.append("ISSUE \(name): fixes=\(fixes), warnings=\(count(.warn)), errors=\(count(.error))")
        for issue in issues {
            lines.append("  - \(issue) (\(file):\(issue.mark))")
        }
        for skip in skipped {
            lines.append("  SKIP: \(skip.issue.code.rawValue): \(skip.reason)")
        }
        if !applied.isEmpty {
            lines.append("  APPLY: " + applied.compactMap { $0.issue.fix?.description }.joined(separator: ", "))
        }
        if let failure {
            lines.append("FAIL \(name): \(failure.shortDescription)")
        }
        return lines
    }

    /// `ok`, `issues` or `failed`.
    public var status: String {
        if failure != nil { return "failed" }
        return issues.isEmpty ? "ok" : "issues"
    }

    /// The machine-readable report of this file (`--json`).
    public var json: JSONValue {
        var object: JSONObject = [
            "file": .string(file),
            "name": .string(name),
            "status": .string(status),
            "issues": .array(issues.map(\.json)),
            "applied": .array(applied.map(\.json)),
            "skipped": .array(
                skipped.map {
                    [
                        "code": .string($0.issue.code.rawValue), "path": .string($0.issue.path.description),
                        "reason": .string($0.reason),
                    ]
                }),
        ]
        if let failure {
            var error: JSONObject = ["message": .string(failure.message)]
            if let mark = failure.mark {
                error["line"] = .int(mark.line)
                error["column"] = .int(mark.column)
            }
            object["error"] = .object(error)
        }
        return .object(object)
    }
}

extension DoctorError {
    /// `file:line:column: message` when the error has a position, else just the message.
    var shortDescription: String { mark == nil ? message : description }
}

extension DoctorIssue {
    /// `{level, code, message, line, column, path, fix}`; `fix` is `{path, value}` or null.
    public var json: JSONValue {
        [
            "level": .string(level.rawValue),
            "code": .string(code.rawValue),
            "message": .string(message),
            "line": .int(mark.line),
            "column": .int(mark.column),
            "path": .string(path.description),
            "fix": fix.map { ["path": .string($0.path.description), "value": $0.value.json] } ?? .null,
        ]
    }
}

extension AppliedFix {
    /// `{code, path, value, edits: [{line, column, start, end, removed, inserted}]}`.
    public var json: JSONValue {
        [
            "code": .string(issue.code.rawValue),
            "path": .string(issue.path.description),
            "value": issue.fix?.value.json ?? .null,
            "edits": .array(
                edits.map {
                    [
                        "line": .int($0.mark.line), "column": .int($0.mark.column), "start": .int($0.start),
                        "end": .int($0.end), "removed": .string($0.removed), "inserted": .string($0.text),
                    ]
                }),
        ]
    }
}
