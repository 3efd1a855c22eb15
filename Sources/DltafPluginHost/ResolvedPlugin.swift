/// A spec resolved to something that can be started.
public struct ResolvedPlugin: Sendable, Equatable {
    /// How the plugin is delivered.
    public enum Delivery: String, Sendable {
        /// An executable file found under a `DLTAF_PLUGIN_PATH` folder (mirroring the dotted name).
        case pluginPathExecutable = "plugin-path executable"
        /// A `dltaf-plugin.json` descriptor found under a `DLTAF_PLUGIN_PATH` folder.
        case pluginPathDescriptor = "plugin-path descriptor"
        /// An installed binary `dltaf-plugin-<name>` found on `PATH`.
        case installedBinary = "installed binary on PATH"
        /// An explicit path in the spec.
        case explicitPath = "explicit path"
    }

    /// The spec as written.
    public var spec: PluginSpec
    /// How it was found.
    public var delivery: Delivery
    /// The file that was found: the executable or the descriptor.
    public var location: String
    /// The program to start (absolute, or a bare name to look up on the plugin's PATH).
    public var executable: String
    /// Its arguments.
    public var arguments: [String]
    /// Extra environment variables from the descriptor.
    public var environment: [String: String]
    /// The folder holding the executable or descriptor (`DLTAF_PLUGIN_DIR`).
    public var pluginDirectory: String

    /// Creates a resolution.
    public init(
        spec: PluginSpec, delivery: Delivery, location: String, executable: String, arguments: [String] = [],
        environment: [String: String] = [:], pluginDirectory: String
    ) {
        self.spec = spec
        self.delivery = delivery
        self.location = location
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.pluginDirectory = pluginDirectory
    }

    /// The command line, for listings.
    public var commandLine: String {
        ([executable] + arguments).joined(separator: " ")
    }
}
