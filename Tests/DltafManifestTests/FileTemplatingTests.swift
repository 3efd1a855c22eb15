import DltafJSON
import DltafManifest
import DltafYAML
import Foundation
import Testing

@Suite("Templating: ${FILE:path}")
struct FileTemplatingTests {
    /// A private folder with a manifest `m.yaml` holding `body`, and the files in `files`.
    private func load(_ body: String, files: [String: String] = [:]) throws -> (Manifest, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-file-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder + "/secrets", withIntermediateDirectories: true)
        for (name, content) in files {
            try Data(content.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try Data(body.utf8).write(to: URL(fileURLWithPath: folder + "/m.yaml"))
        return (try ManifestLoader.load(path: folder + "/m.yaml", environment: [:]), folder)
    }

    private func loadError(_ body: String, files: [String: String] = [:]) throws -> ManifestError? {
        do {
            let (manifest, folder) = try load(body, files: files)
            try? FileManager.default.removeItem(atPath: folder)
            Issue.record("expected an error, loaded \(manifest.value)")
            return nil
        } catch let error as ManifestError {
            return error
        }
    }

    @Test("the value becomes the file's content, trailing line breaks removed, and is recorded as a secret")
    func readsRelativeToTheManifest() throws {
        let (manifest, folder) = try load(
            "source:\n  password: ${FILE:secrets/db.txt}\n  other: \"${FILE:secrets/crlf.txt}\"\n",
            files: ["secrets/db.txt": "s3cret-value\n\n", "secrets/crlf.txt": "line one\nline two\r\n"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(manifest.value["source"]?["password"] == "s3cret-value")
        #expect(manifest.value["source"]?["other"] == "line one\nline two")
        #expect(manifest.secretValues == ["s3cret-value", "line one\nline two"])
        #expect(manifest.warnings.isEmpty)
    }

    @Test("an absolute path works; an empty file gives an empty string")
    func absoluteAndEmpty() throws {
        let (first, folder) = try load("a: x\n", files: ["secrets/empty": ""])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let absolute = "\(folder)/secrets/empty"
        try Data("token: ${FILE:\(absolute)}\n".utf8).write(to: URL(fileURLWithPath: folder + "/n.yaml"))
        let manifest = try ManifestLoader.load(path: folder + "/n.yaml", environment: [:])
        #expect(manifest.value["token"] == "")
        #expect(first.secretValues.isEmpty)
    }

    @Test("a missing file is a located error naming the path and the key")
    func missingFile() throws {
        let error = try #require(try loadError("version: 1\nsource:\n  password: ${FILE:secrets/none.txt}\n"))
        let finding = try #require(error.diagnostics.first)
        #expect(finding.code == "manifest.file_unreadable")
        #expect(finding.mark?.line == 3)
        #expect(finding.mark?.column == 13)
        #expect(finding.path == ["source", "password"])
        #expect(finding.description.contains("error: cannot read ${FILE:secrets/none.txt}: no such file /"))
        #expect(finding.description.hasSuffix("/secrets/none.txt [at source.password]"))
    }

    @Test("a folder, or a file that is not UTF-8, is refused")
    func notAFileOrNotText() throws {
        let folderError = try #require(try loadError("a: ${FILE:secrets}\n"))
        #expect(folderError.description.contains("is not a regular file"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-bin-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: folder + "/bin"))
        try Data("a: ${FILE:bin}\n".utf8).write(to: URL(fileURLWithPath: folder + "/m.yaml"))
        #expect {
            try ManifestLoader.load(path: folder + "/m.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("is not UTF-8 text")
        }
    }

    @Test(
        arguments: [
            ("${FILE:a.txt}", "a.txt"), ("${FILE:/etc/x}", "/etc/x"), ("${FILE:dir/with space}", "dir/with space"),
        ] as [(String, String)])
    func references(text: String, path: String) {
        #expect(FileReference(text)?.path == path)
    }

    @Test(arguments: ["${FILE:}", "x${FILE:a}", "${FILE:a}x", "${file:a}", "${FILE:a}}", "${ENV:A}"])
    func notReferences(text: String) {
        #expect(FileReference(text) == nil)
    }

    @Test("a reference inside a longer string is left as written")
    func partialIsUntouched() throws {
        let manifest = try parseManifest("a: \"prefix ${FILE:x}\"\n")
        #expect(manifest.value["a"] == "prefix ${FILE:x}")
        #expect(manifest.secretValues.isEmpty)
    }
}
