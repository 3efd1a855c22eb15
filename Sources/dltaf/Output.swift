import DltafJSON
import DltafManifest
import DltafProtocol
import Foundation

/// Printing and writing of command output.
enum Output {
    /// Writes a line to stdout.
    static func print(_ text: String) {
        write(text, to: 1)
    }

    /// Writes a line to stderr.
    static func printError(_ text: String) {
        write(text, to: 2)
    }

    /// Writes a whole line to a descriptor. A closed pipe (`dltaf ... | head`) is not an error worth a crash,
    /// which `FileHandle.write(_:)` would make it.
    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        DescriptorWriter.writeAll(bytes, to: descriptor)
    }

    /// Indented JSON with a stable key order.
    static func prettyJSON(_ value: JSONValue) -> String {
        JSONWriter(style: .pretty).string(value)
    }

    /// Writes `text` and a final line break to `path` atomically (`AtomicFile`): readers never see half a file.
    static func writeAtomically(_ text: String, to path: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write(Array((text + "\n").utf8), to: path)
    }
}
