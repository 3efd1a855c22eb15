import Foundation

/// Reads a manifest file whole, refusing folders and files over the YAML size limit before reading them.
enum FileBytes {
    static func read(_ path: String, limit: Int) throws(DoctorError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(file: path, reason: "is a folder") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limit else {
            throw .unreadable(file: path, reason: "is \(size) bytes; manifests are limited to \(limit)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "permission denied")
        }
        return [UInt8](data)
    }
}
