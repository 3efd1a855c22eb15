import DltafJSON
import DltafProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `data/write` file by reference, as the data scenarios' host reads it: it must be a regular file directly
/// inside the spool folder (PROTOCOL.md §8.2), its lines NDJSON objects or RFC 4180 records as wide as the header.
/// The host deletes it once read, as dltaf does once it is loaded.
struct SpoolFile {
    /// The path the request named.
    let path: String
    /// The run's spool folder.
    let spoolDirectory: String
    /// The stream the rows are for (named in errors).
    let stream: String

    /// Checks the file and counts its rows.
    func rows(_ format: DataFileFormat) throws(RPCError) -> Int {
        try checkPlace()
        guard let bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            throw DataErrorCode.fileOutsideSpool.error("stream \"\(stream)\": cannot read \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return format == .ndjson ? try ndjsonRows(bytes) : try csvRows(bytes)
    }

    private func checkPlace() throws(RPCError) {
        let folder = URL(fileURLWithPath: spoolDirectory).resolvingSymlinksInPath().path
        let parent = URL(fileURLWithPath: (path as NSString).deletingLastPathComponent).resolvingSymlinksInPath().path
        var info = stat()
        guard (path as NSString).isAbsolutePath, parent == folder, lstat(path, &info) == 0,
            (info.st_mode & S_IFMT) == S_IFREG
        else {
            throw DataErrorCode.fileOutsideSpool.error(
                "stream \"\(stream)\": \(path) is not a regular file directly inside the spool folder \(spoolDirectory)"
            )
        }
    }

    private func ndjsonRows(_ bytes: [UInt8]) throws(RPCError) -> Int {
        var rows = 0
        for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            guard (try? JSONParser.parse(Array(line)))?.objectValue != nil else {
                throw DataErrorCode.badRows.error(
                    "stream \"\(stream)\": \(path) line \(number + 1) is not a JSON object")
            }
            rows += 1
        }
        return rows
    }

    /// Counts RFC 4180 records after the header; each must have as many fields as the header.
    private func csvRows(_ bytes: [UInt8]) throws(RPCError) -> Int {
        var widths: [(line: Int, fields: Int)] = []
        var fields = 1
        var quoted = false
        var empty = true
        var line = 1
        var start = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 { index += 1 } else { quoted = false }
                } else if byte == 0x0A {
                    line += 1
                }
            } else if byte == 0x22 {
                quoted = true
                empty = false
            } else if byte == 0x2C {
                fields += 1
                empty = false
            } else if byte == 0x0A {
                if !empty { widths.append((start, fields)) }
                (fields, empty, line) = (1, true, line + 1)
                start = line
            } else if byte != 0x0D {
                empty = false
            }
            index += 1
        }
        guard !quoted else {
            throw DataErrorCode.badRows.error("stream \"\(stream)\": \(path) line \(start): a quoted field never ends")
        }
        if !empty { widths.append((start, fields)) }
        guard let header = widths.first else { return 0 }
        if let bad = widths.dropFirst().first(where: { $0.fields != header.fields }) {
            throw DataErrorCode.badRows.error(
                "stream \"\(stream)\": \(path) line \(bad.line) has \(bad.fields) fields for \(header.fields) columns")
        }
        return widths.count - 1
    }
}
