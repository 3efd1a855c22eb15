// A sample runner: loads the rows of a local CSV file into a JSON-lines file.
//
// Manifest:
//   source: {kind: hello_csv, path: ../data/hello.csv, output: /tmp/out.jsonl, limit: 100}
// `path` and `output` are relative to the manifest's folder. run.write_disposition `append` appends to the
// output, anything else replaces it.
import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation

var plugin = Plugin(name: "hello-runner", version: "1.0.0", description: "Loads a local CSV file into JSON lines")

plugin.runner("hello_csv", description: "CSV file to JSON lines") { call in
    var problems: [Diagnostic] = []
    if call.manifest["source"]?["path"]?.stringValue == nil {
        problems.append(
            Diagnostic(
                severity: .error, message: "source.path must name a CSV file", code: "missing_path",
                path: "/source/path"))
    }
    if let limit = call.manifest["source"]?["limit"], (limit.intValue ?? -1) < 0 {
        problems.append(
            Diagnostic(
                severity: .error, message: "source.limit must be a whole number ≥ 0", code: "bad_limit",
                path: "/source/limit"))
    }
    return problems
} run: { call in
    let source = call.manifest["source"]
    let base = URL(fileURLWithPath: call.manifestDirectory)
    let input = URL(fileURLWithPath: source?["path"]?.stringValue ?? "", relativeTo: base)
    guard let text = try? String(contentsOf: input, encoding: .utf8) else {
        throw PluginError("cannot read \(input.path)", category: "DATA", code: "source_unreadable")
    }
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else {
        throw PluginError("\(input.path) has no header line", category: "DATA", code: "empty_csv")
    }
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    if let limit = source?["limit"]?.intValue { lines = Array(lines.prefix(limit)) }

    var output: [UInt8] = []
    for (index, line) in lines.enumerated() {
        try Task.checkCancellation()
        var row = JSONObject()
        for (column, value) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) {
            row[column] = .string(String(value))
        }
        JSONWriter().write(.object(row), into: &output)
        output.append(0x0A)
        if (index + 1) % 2 == 0 || index + 1 == lines.count {
            call.progress(current: index + 1, total: lines.count, unit: "rows")
        }
    }
    var written = "nothing (no source.output)"
    if let target = source?["output"]?.stringValue {
        let url = URL(fileURLWithPath: target, relativeTo: base)
        let append = call.callContext.writeDisposition == "append"
        if append, let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data(output))
            try? handle.close()
        } else {
            try Data(output).write(to: url, options: .atomic)
        }
        written = url.path
    }
    call.state(["rows_read": .int(lines.count), "source": .string(input.path)])
    call.log(.info, "loaded \(lines.count) rows from \(input.lastPathComponent) into \(written)")
    let table = input.deletingPathExtension().lastPathComponent
    return RunOutcome(
        status: .success, message: "loaded \(lines.count) rows",
        loadMetrics: ["rows_count": .int(lines.count), "tables_count": 1, "packages_count": 1],
        tableStats: [
            [
                "source_table": .string(table), "target_table": .string(table), "rows_processed": .int(lines.count),
                "status": "success",
            ]
        ])
}

await plugin.serve()
