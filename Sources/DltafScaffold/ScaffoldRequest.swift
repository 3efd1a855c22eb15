/// The language a plugin is generated in.
public enum ScaffoldLanguage: String, CaseIterable, Sendable {
    /// A SwiftPM package using `DltafPluginKit`.
    case swift
    /// A script using the Python SDK (`plugin-sdk/python`).
    case python
    /// An ES module using the Node SDK (`plugin-sdk/node`).
    case node
    /// A bash script using the shell SDK (`plugin-sdk/shell`).
    case bash

    /// The name people use for it.
    public var title: String {
        switch self {
        case .swift: "Swift"
        case .python: "Python"
        case .node: "JavaScript (Node.js)"
        case .bash: "bash"
        }
    }
}

/// What a generated plugin provides.
public enum ScaffoldKind: String, CaseIterable, Sendable {
    /// A runner: serves a `source.kind`.
    case runner
    /// A hook: called on `pre_run`, `post_run` and `on_error`.
    case hook
    /// An online check.
    case check
}

/// Everything `dltaf scaffold plugin` needs to generate a plugin.
public struct ScaffoldRequest: Sendable {
    /// The dotted spec, as given (e.g. `acme.export.orders`).
    public var spec: String
    /// The language of the plugin.
    public var language: ScaffoldLanguage
    /// What the plugin provides.
    public var kind: ScaffoldKind
    /// The folder used as a `DLTAF_PLUGIN_PATH` entry; relative to `workingDirectory` unless absolute.
    public var directory: String
    /// Overwrite the files of an existing plugin folder.
    public var force: Bool
    /// `--sdk-root`: the dltaf checkout holding the SDKs; wins over `DLTAF_SOURCE_ROOT`.
    public var sdkRoot: String?
    /// The folder relative paths are resolved against.
    public var workingDirectory: String
    /// The environment (`DLTAF_SOURCE_ROOT` is read from it).
    public var environment: [String: String]
    /// The folder of the running `dltaf`, where the sample runner used by hook and check examples is looked for.
    public var toolDirectory: String?

    /// Creates a request; `directory` defaults to `plugins`.
    public init(
        spec: String, language: ScaffoldLanguage, kind: ScaffoldKind, directory: String = "plugins",
        force: Bool = false, sdkRoot: String? = nil, workingDirectory: String, environment: [String: String],
        toolDirectory: String? = nil
    ) {
        self.spec = spec
        self.language = language
        self.kind = kind
        self.directory = directory
        self.force = force
        self.sdkRoot = sdkRoot
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.toolDirectory = toolDirectory
    }
}
