import DltafJSON
import DltafProtocol
import Foundation

/// `data/write` with a file: the spool check, then NDJSON or CSV rows through the same path as inline rows.
extension SessionCore {
    func writeFile(stream name: String, path: String, format: FileFormat) throws(LoadError) -> Int {
        let load = try stream(name)
        try checkSpool(path)
        return try guarded { () throws(LoadError) -> Int in
            try destination.beginIfNeeded()
            let written: Int
            do throws(LoadError) {
                written = try format == .ndjson ? loadNDJSON(path, into: load) : loadCSV(path, into: load)
            } catch {
                let context = error.code == .destinationFailed ? "stream \(name)" : path
                throw LoadError(error.code, "\(context): \(error.message)", retryable: error.retryable)
            }
            load.freezeAfterFirstWrite()
            return written
        }
    }

    private func loadNDJSON(_ path: String, into load: StreamLoad) throws(LoadError) -> Int {
        var written = 0
        var lastKeys: [String] = []
        var lastNames: [String] = []
        var flat = FlatJSONLine()
        try ChunkedFile(path: path).forEachLine { bytes, line throws(LoadError) in
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            if flat.scan(bytes) {
                if flat.keysChanged || lastNames.count != flat.keys.count {
                    lastNames = try atLine(line, load.normalizedNames(flat.keys))
                    lastKeys = []
                }
                if try atLine(line, load.add(names: lastNames, values: flat.values)) { written += 1 }
                return
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw LoadError(.badRows, "line \(line): stream \(load.stream): \(error)")
            }
            guard case .object(let object) = value else {
                throw LoadError(.badRows, "line \(line): stream \(load.stream): not a JSON object")
            }
            // Lines of one file mostly share their keys: normalise them once.
            if object.keys != lastKeys {
                lastNames = try atLine(line, load.normalizedNames(object.keys))
                lastKeys = object.keys
                flat = FlatJSONLine()
            }
            if try atLine(line, load.add(names: lastNames, values: object.values)) { written += 1 }
        }
        return written
    }

    private func loadCSV(_ path: String, into load: StreamLoad) throws(LoadError) -> Int {
        var written = 0
        var names: [String]?
        var reader = CSVReader { record, line throws(LoadError) in
            guard let columns = names else {
                let header = try record.map { value throws(LoadError) -> String in
                    guard case .string(let name) = value else {
                        throw LoadError(.badRows, "line \(line): a column name is empty")
                    }
                    return name
                }
                names = try load.normalizedNames(header)
                return
            }
            guard record.count == columns.count else {
                throw LoadError(.badRows, "line \(line): \(record.count) fields for \(columns.count) columns")
            }
            if try atLine(line, load.add(names: columns, values: record)) { written += 1 }
        }
        try ChunkedFile(path: path).forEachChunk { chunk throws(LoadError) in try reader.feed(chunk) }
        try reader.finish()
        return written
    }

    /// PROTOCOL.md §8.2: a regular file (not a link) directly inside the spool folder.
    private func checkSpool(_ path: String) throws(LoadError) {
        guard let spoolDirectory else { return }
        let folder = URL(fileURLWithPath: spoolDirectory).resolvingSymlinksInPath().path
        let parent = URL(fileURLWithPath: (path as NSString).deletingLastPathComponent).resolvingSymlinksInPath().path
        var info = stat()
        guard (path as NSString).isAbsolutePath, parent == folder, lstat(path, &info) == 0,
            (info.st_mode & S_IFMT) == S_IFREG
        else {
            throw LoadError(.fileOutsideSpool, "\(path) is not a regular file directly inside the spool folder")
        }
    }
}

/// `body`'s data errors with the file's line number in front.
private func atLine<Value>(_ line: Int, _ body: @autoclosure () throws(LoadError) -> Value) throws(LoadError)
    -> Value
{
    do {
        return try body()
    } catch {
        guard error.code != .destinationFailed else { throw error }
        throw LoadError(error.code, "line \(line): \(error.message)", retryable: error.retryable)
    }
}
