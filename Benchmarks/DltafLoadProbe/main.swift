// Throughput probe for DltafLoad: 1M rows × 5 columns (bigint, text, double, timestamp, smallint as bigint) into
// SQLite and a throwaway PostgreSQL, from inline batches of 50,000 rows and from NDJSON and CSV files.
// Run: swift run -c release dltaf-load-probe [rows]   (prints rows/s; no assertions)
import DltafJSON
import DltafLoad
import DltafTestSupport
import Foundation

let rowCount = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
/// `sqlite` or `postgres` to measure only one destination.
let only = CommandLine.arguments.dropFirst(2).first
/// `inline`, `ndjson` or `csv` to measure only one source.
let onlySource = CommandLine.arguments.dropFirst(3).first
let batchRows = 50_000
let names = ["id", "name", "value", "at", "small"]
let columns: [ColumnDeclaration] = [
    .init(name: "id", type: .bigint), .init(name: "name", type: .text), .init(name: "value", type: .double),
    .init(name: "at", type: .timestamp), .init(name: "small", type: .bigint),
]
let stamps = (0..<1000).map { String(format: "2024-01-%02dT%02d:%02d:00Z", 1 + $0 % 28, $0 % 24, $0 % 60) }

func row(_ index: Int) -> (Int, String, Double, String, Int) {
    (index, String(format: "user_%08d", index), Double(index) * 0.5 + 0.25, stamps[index % 1000], index % 32768)
}

let rows: [[JSONValue]] = (0..<rowCount).map { index in
    let (id, name, value, at, small) = row(index)
    return [.int(id), .string(name), .double(value), .string(at), .int(small)]
}

let workspace = try Workspace()
defer { workspace.remove() }
var ndjson = ""
var csv = names.joined(separator: ",") + "\n"
for index in 0..<rowCount where onlySource == nil || onlySource != "inline" {
    let (id, name, value, at, small) = row(index)
    ndjson += "{\"id\":\(id),\"name\":\"\(name)\",\"value\":\(value),\"at\":\"\(at)\",\"small\":\(small)}\n"
    csv += "\(id),\(name),\(value),\(at),\(small)\n"
}
let ndjsonPath = try workspace.write("rows.ndjson", ndjson)
let csvPath = try workspace.write("rows.csv", csv)

/// User + system CPU seconds of this process (the server's work is not included).
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

enum Source: String, CaseIterable {
    case inline, ndjson, csv

    static var selected: [Source] { allCases.filter { onlySource == nil || $0.rawValue == onlySource } }
}

func measure(_ label: String, _ destination: DestinationConfiguration, _ source: Source) throws {
    let session = try LoadSession(destination: destination, pipeline: "probe", loadID: label)
    try session.open(StreamDeclaration(stream: "probe_\(source.rawValue)", columns: columns))
    let clock = ContinuousClock()
    let started = clock.now
    let cpuStarted = cpuSeconds()
    switch source {
    case .inline:
        for start in stride(from: 0, to: rows.count, by: batchRows) {
            let batch = Array(rows[start..<min(start + batchRows, rows.count)])
            try session.write(stream: "probe_inline", columns: names, rows: batch)
        }
    case .ndjson: try session.writeFile(stream: "probe_ndjson", path: ndjsonPath, format: .ndjson)
    case .csv: try session.writeFile(stream: "probe_csv", path: csvPath, format: .csv)
    }
    _ = try session.checkpoint(state: ["rows": .int(rowCount)])
    _ = try session.finish()
    let elapsed = clock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let cpu = cpuSeconds() - cpuStarted
    print(
        "\(label) \(source.rawValue): \(rowCount) rows in \(String(format: "%.2f", seconds)) s wall = "
            + "\(Int(Double(rowCount) / seconds)) rows/s; \(String(format: "%.2f", cpu)) s CPU of dltaf = "
            + "\(Int(Double(rowCount) / cpu)) rows/s per core")
}

for source in Source.selected where only != "postgres" {
    let path = workspace.path("probe-\(source.rawValue).sqlite")
    try measure("sqlite", .sqlite(SQLiteConfiguration(path: path)), source)
    try measure(
        "sqlite-normal", .sqlite(SQLiteConfiguration(path: path + "-normal", synchronousFull: false)), source)
}
let server = try await LocalPostgres.start()
do {
    for source in Source.selected where only != "sqlite" {
        let destination = DestinationConfiguration.postgres(
            PostgresConfiguration(
                host: "127.0.0.1", port: server.port, user: server.user, password: server.password,
                database: server.database, dataset: "probe"))
        try measure("postgres-\(source.rawValue)", destination, source)
    }
} catch {
    print("postgres failed: \(error)")
}
await server.stop()
