import DltafTestSupport
import Foundation

/// The golden files in `Tests/Corpus/doctor`, found from this source file's path (no SwiftPM resources).
enum Corpus {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus/doctor")

    /// The case names of a folder: inputs are `<case>.yaml`, expectations `<case>.expected.*`.
    static func cases(_ folder: String) -> [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") && !$0.contains(".expected.") }
            .map { String($0.dropLast(".yaml".count)) }
            .sorted()
    }

    static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    static func text(_ folder: String, _ name: String) throws -> String {
        String(decoding: try bytes(folder, name), as: UTF8.self)
    }

    /// Copies `<folder>/<case>.yaml` into `workspace` under the same name and returns its path.
    static func copy(_ folder: String, _ name: String, into workspace: Workspace) throws -> String {
        let target = workspace.path(name + ".yaml")
        try Data(try bytes(folder, name + ".yaml")).write(to: URL(fileURLWithPath: target))
        return target
    }
}

/// The bytes of a file, or empty when it cannot be read.
func fileBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}
