import DltafManifest
import Foundation
import Testing

@Suite("ManifestFiles.discover")
struct ManifestFilesTests {
    /// A fresh temporary folder holding `files` (empty files) and `folders`.
    private func folder(files: [String], folders: [String] = []) throws -> String {
        let root = NSTemporaryDirectory() + "dltaf-manifest-files-\(UUID().uuidString)"
        for name in folders {
            try FileManager.default.createDirectory(
                atPath: root + "/" + name, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for name in files {
            #expect(FileManager.default.createFile(atPath: root + "/" + name, contents: Data()))
        }
        return root
    }

    @Test("`.yaml` and `.yml` files directly inside, sorted by bytes; folders, other endings and subfolders left out")
    func rule() throws {
        let root = try folder(
            files: ["b.yml", "a.yaml", "Z.yaml", "c.YAML", "notes.txt", "d.yaml.bak", "é.yaml", "sub/x.yaml"],
            folders: ["sub", "folder.yaml"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let found = try ManifestFiles.discover(in: root)
        #expect(found == ["Z.yaml", "a.yaml", "b.yml", "é.yaml"].map { root + "/" + $0 })
    }

    @Test("an empty folder has no manifests; a missing folder or a file is not a folder")
    func notAFolder() throws {
        let root = try folder(files: ["m.yaml"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        #expect(try ManifestFiles.discover(in: root + "/empty").isEmpty)
        #expect(throws: ManifestFiles.NotAFolder.self) { try ManifestFiles.discover(in: root + "/missing") }
        #expect(throws: ManifestFiles.NotAFolder.self) { try ManifestFiles.discover(in: root + "/m.yaml") }
        #expect(!ManifestFiles.isFolder(root + "/m.yaml"))
        #expect(ManifestFiles.isFolder(root))
    }

    @Test("expand: folders become their manifests, files stay, everything absolute and in the order given")
    func expand() throws {
        let root = try folder(files: ["b.yaml", "a.yml", "notes.txt"], folders: ["more"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(FileManager.default.createFile(atPath: root + "/more/c.yaml", contents: Data()))
        let expanded = ManifestFiles.expand([root + "/more", root + "/x/../notes.txt", root])
        #expect(expanded == [root + "/more/c.yaml", root + "/notes.txt", root + "/a.yml", root + "/b.yaml"])
        #expect(ManifestFiles.expand([root + "/missing"]) == [root + "/missing"])
    }
}
