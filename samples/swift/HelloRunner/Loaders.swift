import DltafJSON
import DltafPluginKit
import DltafProtocol
import Foundation

/// The stream (and table) the greetings go to through dltaf.
let greetingsStream = "greetings"

/// Hands the rows to dltaf (`data.v1`): one stream keyed by an integer `id`, then a checkpoint with the last id.
///
/// - Returns: where the rows went, for the log.
func loadThroughHost(_ table: CSVTable, _ data: PluginData, _ call: PluginCall) async throws -> String {
    let columns = table.header.map { DataColumn(name: $0, type: $0 == "id" ? .bigint : .text) }
    let opened = try await data.open(stream: greetingsStream, columns: columns, primaryKey: ["id"])
    var lastID = 0
    let values = table.lines.enumerated().map { index, cells -> [JSONValue] in
        // Cells beyond the header are dropped, missing ones are null, so every row is as wide as the header.
        table.header.indices.map { column -> JSONValue in
            guard column < cells.count else { return .null }
            if table.header[column] == "id" {
                let id = Int(cells[column]) ?? index + 1
                lastID = max(lastID, id)
                return .int(id)
            }
            return .string(cells[column])
        }
    }
    try await data.write(stream: greetingsStream, columns: table.header, values: values)
    call.progress(current: values.count, total: values.count, unit: "rows")
    let checkpoint = try await data.checkpoint(streams: [greetingsStream: ["last_id": .int(lastID)]])
    return "\(data.destination.name) table \(opened.table) (checkpoint \(checkpoint.checkpoint))"
}

/// Writes the rows as JSON lines to `source.output` itself (no `data.v1`): `append` appends, anything else
/// replaces the file.
///
/// - Returns: where the rows went, for the log.
func loadToFile(_ table: CSVTable, _ call: PluginCall, base: URL) throws -> String {
    var output: [UInt8] = []
    for (index, cells) in table.lines.enumerated() {
        try Task.checkCancellation()
        var row = JSONObject()
        for (column, value) in zip(table.header, cells) { row[column] = .string(value) }
        JSONWriter().write(.object(row), into: &output)
        output.append(0x0A)
        if (index + 1) % 2 == 0 || index + 1 == table.lines.count {
            call.progress(current: index + 1, total: table.lines.count, unit: "rows")
        }
    }
    guard let target = call.manifest["source"]?["output"]?.stringValue else { return "nothing (no source.output)" }
    let url = URL(fileURLWithPath: target, relativeTo: base)
    if call.callContext.writeDisposition == "append", let handle = try? FileHandle(forWritingTo: url) {
        handle.seekToEndOfFile()
        handle.write(Data(output))
        try? handle.close()
    } else {
        try Data(output).write(to: url, options: .atomic)
    }
    return url.path
}
