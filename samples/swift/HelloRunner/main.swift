// A sample runner: loads the rows of a local CSV file.
//
// Manifest:
//   source: {kind: hello_csv, path: ../data/hello.csv, output: /tmp/out.jsonl, limit: 100}
// When dltaf offers the data.v1 feature, the rows go through it into `pipeline.destination` (stream and table
// `greetings`, primary key `id`). Without it the runner writes them to `source.output` as JSON lines itself.
// `path` and `output` are relative to the manifest's folder.
import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation

var plugin = Plugin(name: "hello-runner", version: "1.1.0", description: "Loads a local CSV file")

plugin.runner("hello_csv", description: "CSV file into the destination (or JSON lines)") { call in
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
    let table = try CSVTable(contentsOf: input, limit: source?["limit"]?.intValue)
    let count = table.lines.count
    let written: String
    let target: String
    if let data = call.data {
        written = try await loadThroughHost(table, data, call)
        target = greetingsStream
    } else {
        written = try loadToFile(table, call, base: base)
        target = input.deletingPathExtension().lastPathComponent
    }
    call.state(["rows_read": .int(count), "source": .string(input.path)])
    call.log(.info, "loaded \(count) rows from \(input.lastPathComponent) into \(written)")
    return RunOutcome(
        status: .success, message: "loaded \(count) rows",
        loadMetrics: ["rows_count": .int(count), "tables_count": 1, "packages_count": 1],
        tableStats: [
            [
                "source_table": .string(input.deletingPathExtension().lastPathComponent),
                "target_table": .string(target), "rows_processed": .int(count), "status": "success",
            ]
        ])
}

await plugin.serve()
