import Foundation

/// The dltaf checkout generated plugins take their SDKs from: `plugin-sdk/` and the `DltafPluginKit` package.
public struct SourceRoot: Sendable, Equatable {
    /// The checkout's absolute path (the folder holding dltaf's `Package.swift`).
    public let path: String

    /// Finds the checkout: `explicit` (`--sdk-root`), else `DLTAF_SOURCE_ROOT`, else the folder this library was
    /// compiled from (found from `compiledFrom` by walking up to the folder holding `Package.swift`).
    public static func locate(
        explicit: String?, environment: [String: String], workingDirectory: String,
        compiledFrom: String = #filePath
    ) throws(ScaffoldError) -> SourceRoot {
        if let explicit, !explicit.isEmpty {
            return try checked(absolute(explicit, in: workingDirectory), origin: "--sdk-root")
        }
        if let variable = environment["DLTAF_SOURCE_ROOT"], !variable.isEmpty {
            return try checked(absolute(variable, in: workingDirectory), origin: "DLTAF_SOURCE_ROOT")
        }
        var folder = URL(fileURLWithPath: compiledFrom).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return try checked(folder.path, origin: "the folder dltaf was built from")
            }
            folder.deleteLastPathComponent()
        }
        throw .sourceRootNotFound(tried: [
            "--sdk-root (not given)", "DLTAF_SOURCE_ROOT (not set)",
            "the folders above \(compiledFrom), where dltaf was built (no Package.swift)",
        ])
    }

    /// A root whose layout is checked.
    private static func checked(_ path: String, origin: String) throws(ScaffoldError) -> SourceRoot {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        for required in ["Package.swift", "plugin-sdk"] {
            let candidate = (standardized as NSString).appendingPathComponent(required)
            guard FileManager.default.fileExists(atPath: candidate) else {
                throw .invalidSourceRoot(path: standardized, origin: origin, missing: required)
            }
        }
        return SourceRoot(path: standardized)
    }

    /// `path` made absolute against `base`.
    static func absolute(_ path: String, in base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }

    /// The absolute path of `relative` inside the checkout.
    public func path(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    /// The SDK location a language's plugins use, checked to exist.
    ///
    /// Python: the SDK's `src` folder (for `PYTHONPATH`); Node: the SDK folder holding `index.js` and
    /// `testing.js`; bash: `dltaf.sh`; Swift: the checkout itself (a SwiftPM package with `DltafPluginKit`).
    public func sdk(for language: ScaffoldLanguage) throws(ScaffoldError) -> String {
        let (location, required): (String, [String])
        switch language {
        case .python: (location, required) = ("plugin-sdk/python/src", ["dltaf_plugin/__init__.py"])
        case .node: (location, required) = ("plugin-sdk/node", ["index.js", "testing.js"])
        case .bash: (location, required) = ("plugin-sdk/shell/dltaf.sh", [""])
        case .swift: (location, required) = ("", ["Package.swift", "Sources/DltafPluginKit"])
        }
        let base = location.isEmpty ? path : self.path(location)
        for file in required {
            let candidate = file.isEmpty ? base : (base as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: candidate) else {
                throw .sdkMissing(language: language, path: candidate)
            }
        }
        return base
    }
}
