import Foundation

/// The Python dltaf 0.2.16 and `jsonschema`, installed by `make test` (scripts/reference-venv.sh) in
/// `.venv-ref`, to compare verdicts side by side. `DLTAF_REFERENCE_VENV` points elsewhere.
public enum ReferenceDltaf {
    /// The venv folder.
    public static var venv: String {
        ProcessInfo.processInfo.environment["DLTAF_REFERENCE_VENV"]
            ?? TestPaths.repoRoot.appendingPathComponent(".venv-ref").path
    }

    /// Its `dltaf` command, when installed.
    public static var cli: String? {
        let path = (venv as NSString).appendingPathComponent("bin/dltaf")
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Its Python, when installed.
    public static var python: String? {
        let path = (venv as NSString).appendingPathComponent("bin/python")
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The example manifests shipped in the Python dltaf's wheel, and the SQL they name.
    public static var examplesDirectory: String? {
        let lib = (venv as NSString).appendingPathComponent("lib")
        guard
            let python = try? FileManager.default.contentsOfDirectory(atPath: lib).first(where: {
                $0.hasPrefix("python")
            })
        else { return nil }
        let folder = "\(lib)/\(python)/site-packages/dltaf/examples/manifests"
        return FileManager.default.fileExists(atPath: folder) ? folder : nil
    }

    /// Why the reference is missing, for a test failure.
    public static let missing =
        "the Python reference is not installed in \(venv); run `make test` (or scripts/reference-venv.sh)"
}
